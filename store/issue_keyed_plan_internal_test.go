package store

import "testing"

// TestIssueKeyedPlansSearchByIssue: the reads of one issue's relations, documents,
// attachments and feedback votes search an index by the issue. Before migration 0012
// those indexes led with company_id and these reads name only the issue, so each
// scanned every company's rows: a checkout into in_progress, every issue detail and
// every new blocking edge did. (Comments and cost events: TestAgentPathPlansUseIndexes
// and TestIssueCostPlansUseIndexes.)
func TestIssueKeyedPlansSearchByIssue(t *testing.T) {
	s := openInternal(t)
	cases := []planCase{
		{"blocker ids", blockerIDsSQL, []any{"i"}, []string{"issue_relations_related_idx (related_issue_id=? AND type=?)"}},
		{"unresolved blockers (checkout)", unresolvedBlockersSQL, []any{"i"}, []string{"issue_relations_related_idx (related_issue_id=? AND type=?)"}},
		{"dependents a done issue unblocks", unblockedDependentsSQL, []any{"i"}, []string{"issue_relations_edge_uq (issue_id=?"}},
		{"cycle check step", blockedBySomeSQL(2), []any{"i", "j"}, []string{"issue_relations_edge_uq (issue_id=?"}},
		{"detail: blocked by", blockedBySQL, []any{"i"}, []string{"issue_relations_related_idx (related_issue_id=? AND type=?)"}},
		{"detail: blocks", blocksSQL, []any{"i"}, []string{"issue_relations_edge_uq (issue_id=?"}},
		{"documents", issueDocumentsSQL, []any{"i"}, []string{"issue_documents_issue_key_uq (issue_id=?)"}},
		{"document by key", issueDocumentByKeySQL, []any{"i", "plan"}, []string{"issue_documents_issue_key_uq (issue_id=? AND key=?)"}},
		{"attachments", issueAttachmentsSQL, []any{"i"}, []string{"issue_attachments_issue_idx (issue_id=?)"}},
		{"feedback votes", issueFeedbackVotesSQL, []any{"i", "i"}, []string{"feedback_votes_company_issue_idx (company_id=? AND issue_id=?)"}},
	}
	requireSearches(t, s, cases, nil)
}
