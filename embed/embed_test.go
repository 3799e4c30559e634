package embed

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

func skill(t *testing.T) string {
	t.Helper()
	b, err := fs.ReadFile(Skills(), "paperclip/SKILL.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The skill is read on every fresh agent session: it must stay small.
func TestSkillSize(t *testing.T) {
	if n := len(skill(t)); n > 12<<10 {
		t.Fatalf("skill is %d bytes, limit 12 KiB", n)
	}
}

func TestSkillFrontmatterAndMarker(t *testing.T) {
	doc := skill(t)
	if !strings.HasPrefix(doc, "---\n") {
		t.Fatal("skill loaders need the frontmatter first")
	}
	front, body, ok := strings.Cut(doc[4:], "\n---\n")
	if !ok {
		t.Fatal("frontmatter not closed")
	}
	for _, want := range []string{"\nname: paperclip\n", "description:", "metadata:\n  paperclipVersion: \"" + SkillVersionPlaceholder + "\""} {
		if !strings.Contains("\n"+front+"\n", want) {
			t.Errorf("frontmatter lacks %q", want)
		}
	}
	if first, _, _ := strings.Cut(body, "\n"); first != "<!-- paperclip-managed -->" {
		t.Fatalf("first body line %q", first)
	}
}

// Every variable of the agent environment is explained.
func TestSkillNamesEveryEnvironmentVariable(t *testing.T) {
	doc := skill(t)
	for _, v := range []string{"PAPERCLIP_AGENT_ID", "PAPERCLIP_COMPANY_ID", "PAPERCLIP_API_URL", "PAPERCLIP_RUN_ID",
		"PAPERCLIP_API_KEY", "PAPERCLIP_TASK_ID", "PAPERCLIP_WAKE_REASON", "PAPERCLIP_WAKE_COMMENT_ID", "PAPERCLIP_APPROVAL_ID",
		"PAPERCLIP_APPROVAL_STATUS", "PAPERCLIP_LINKED_ISSUE_IDS", "PAPERCLIP_WAKE_PAYLOAD_JSON", "PAPERCLIP_WORKSPACE_CWD",
		"PAPERCLIP_WORKSPACE_SOURCE", "AGENT_HOME", "X-Paperclip-Run-Id"} {
		if !regexp.MustCompile(`\b` + regexp.QuoteMeta(v) + `\b`).MatchString(doc) {
			t.Errorf("skill does not mention %s", v)
		}
	}
}

// The sections come in the order agents need them.
func TestSkillSectionOrder(t *testing.T) {
	doc := skill(t)
	last := -1
	for _, h := range []string{"## 1. The heartbeat model", "## 2. Environment and authentication", "## 3. The run header",
		"## 4. Procedure", "## 5. Hard rules", "## 6. Status codes", "## 7. Quick reference"} {
		i := strings.Index(doc, h)
		if i <= last {
			t.Fatalf("section %q missing or out of order", h)
		}
		last = i
	}
	for _, code := range []string{"| 400 |", "| 401 |", "| 403 |", "| 404 |", "| 409 |", "| 422 |", "| 500 |"} {
		if !strings.Contains(doc, code) {
			t.Errorf("status table lacks %s", code)
		}
	}
}
