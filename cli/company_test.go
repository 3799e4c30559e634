package cli

import (
	"strings"
	"testing"
)

func TestCompanyCommands(t *testing.T) {
	e := newAPIEnv(t)
	r := e.mustRun("", "company", "create", "--payload-json", `{"name":"Horizon Labs","description":"Research <&> marketing","budgetMonthlyCents":50000}`, "--json")
	golden(t, "json/company_create", e.normalize(r.stdout))
	var co entity
	e.mustJSON(&co, "company", "get", strings.Split(strings.Split(r.stdout, `"id": "`)[1], `"`)[0])
	id := co.ID

	r = e.mustRun("", "company", "list")
	if want := "id=" + id + " name=Horizon Labs status=active budgetMonthlyCents=50000 spentMonthlyCents=0 requireBoardApprovalForNewAgents=false\n"; r.stdout != want {
		t.Errorf("list:\n got %q\nwant %q", r.stdout, want)
	}
	var list []entity
	e.mustJSON(&list, "company", "list")
	if len(list) != 1 || list[0].ID != id {
		t.Fatalf("list json %+v", list)
	}

	// current: -C, then PAPERCLIP_COMPANY_ID, then the agent key's company.
	e.mustJSON(&co, "company", "current", "-C", id)
	if co.ID != id {
		t.Fatalf("current -C %+v", co)
	}
	if r := e.run("", "company", "current"); r.code != 1 || !strings.Contains(r.stderr, "Company ID is required") {
		t.Fatalf("current without company: %d %q", r.code, r.stderr)
	}
	e.env["PAPERCLIP_COMPANY_ID"] = id
	ag := e.agent("Ceo")
	delete(e.env, "PAPERCLIP_COMPANY_ID")
	e.env["PAPERCLIP_API_KEY"] = e.agentKey(ag.ID)
	e.mustJSON(&co, "company", "current")
	if co.ID != id {
		t.Fatalf("current from agent key %+v", co)
	}
	delete(e.env, "PAPERCLIP_API_KEY")

	var stats map[string]map[string]any
	e.mustJSON(&stats, "company", "stats")
	if stats[id]["agentCount"] == nil {
		t.Fatalf("stats %v", stats)
	}

	var got map[string]any
	e.mustJSON(&got, "company", "update", id, "--payload-json", `{"budgetMonthlyCents":75000}`)
	if got["budgetMonthlyCents"] != float64(75000) {
		t.Fatalf("update %v", got)
	}
	e.mustJSON(&got, "company", "branding:update", id, "--payload-json", `{"brandColor":"#2563eb"}`)
	if got["brandColor"] != "#2563eb" {
		t.Fatalf("branding %v", got)
	}
	e.mustJSON(&got, "company", "archive", id)
	if got["status"] != "archived" {
		t.Fatalf("archive %v", got)
	}

	// delete: --yes and --confirm repeating the selector; prefix or id.
	if r := e.run("", "company", "delete", "HOR", "--yes", "--confirm", "XYZ"); r.code != 1 || !strings.Contains(r.stderr, `--confirm must repeat the selector "HOR"`) {
		t.Fatalf("confirm mismatch: %d %q", r.code, r.stderr)
	}
	if r := e.run("", "company", "delete", "NOPE", "--yes", "--confirm", "nope"); r.code != 1 || !strings.Contains(r.stderr, `No company with issue prefix "NOPE"`) {
		t.Fatalf("unknown prefix: %d %q", r.code, r.stderr)
	}
	if r := e.run("", "company", "delete", "HOR", "--by", "name", "--yes", "--confirm", "HOR"); r.code != 1 || !strings.Contains(r.stderr, "Invalid --by") {
		t.Fatalf("bad --by: %d %q", r.code, r.stderr)
	}
	e.mustRun("", "company", "delete", "hor", "--yes", "--confirm", "HOR")
	if r := e.run("", "company", "get", id); r.code != 1 || !strings.Contains(r.stderr, "API error 404") {
		t.Fatalf("company still there: %d %q", r.code, r.stderr)
	}
	other := e.company("Other")
	e.mustRun("", "company", "delete", other, "--by", "id", "--yes", "--confirm", other)
	if r := e.mustRun("", "company", "list"); r.stdout != "(empty)\n" {
		t.Fatalf("after deletes: %q", r.stdout)
	}
}
