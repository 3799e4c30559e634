package store

import (
	"strings"
	"testing"
)

// TestIssueKeyedPlansSearchByIssue: the reads of one issue's relations, documents,
// attachments and feedback votes search an index by the issue. Before migration 0012
// those indexes led with company_id and these reads name only the issue, so each
// scanned every company's rows: a checkout into in_progress, every issue detail and
// every new blocking edge did. (Comments and cost events: TestAgentPathPlansUseIndexes
// and TestIssueCostPlansUseIndexes.)
func TestIssueKeyedPlansSearchByIssue(t *testing.T) {
	s := openInternal(t)
	cases := []struct {
		name, query string
		args        []any
		want        string
	}{
		{"blocker ids", blockerIDsSQL, []any{"i"}, "issue_relations_related_idx (related_issue_id=? AND type=?)"},
		{"unresolved blockers (checkout)", unresolvedBlockersSQL, []any{"i"}, "issue_relations_related_idx (related_issue_id=? AND type=?)"},
		{"dependents a done issue unblocks", unblockedDependentsSQL, []any{"i"}, "issue_relations_edge_uq (issue_id=?"},
		{"cycle check step", blockedBySomeSQL(2), []any{"i", "j"}, "issue_relations_edge_uq (issue_id=?"},
		{"detail: blocked by", blockedBySQL, []any{"i"}, "issue_relations_related_idx (related_issue_id=? AND type=?)"},
		{"detail: blocks", blocksSQL, []any{"i"}, "issue_relations_edge_uq (issue_id=?"},
		{"documents", issueDocumentsSQL, []any{"i"}, "issue_documents_issue_key_uq (issue_id=?)"},
		{"document by key", issueDocumentByKeySQL, []any{"i", "plan"}, "issue_documents_issue_key_uq (issue_id=? AND key=?)"},
		{"attachments", issueAttachmentsSQL, []any{"i"}, "issue_attachments_issue_idx (issue_id=?)"},
		{"feedback votes", issueFeedbackVotesSQL, []any{"i", "i"}, "feedback_votes_company_issue_idx (company_id=? AND issue_id=?)"},
	}
	for _, c := range cases {
		steps := queryPlan(t, s, c.name, c.query, c.args...)
		plan := strings.Join(steps, "\n  ")
		if !strings.Contains(plan, c.want) {
			t.Errorf("%s: plan does not search %q:\n  %s", c.name, c.want, plan)
		}
		for _, st := range steps {
			if fullScan(st) || strings.Contains(st, "AUTOMATIC") {
				t.Errorf("%s: plan step %q reads a whole table or builds an index:\n  %s", c.name, st, plan)
			}
		}
		t.Logf("%s:\n  %s", c.name, plan)
	}
}
