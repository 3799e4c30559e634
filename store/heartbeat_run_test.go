package store_test

import (
	"testing"

	"paperclip/store"
	"paperclip/store/storetest"
)

func TestCreateHeartbeatRunChecksTenancyAndEnums(t *testing.T) {
	st, _ := storetest.Open(t)
	c := storetest.Company(t, st, "Acme")
	other := storetest.Company(t, st, "Other")
	a := storetest.Agent(t, st, c.ID, "Dev")
	foreignIssue := storetest.Issue(t, st, other.ID, "Theirs")
	ctx := storetest.Board()

	r, err := st.CreateHeartbeatRun(ctx, store.RunInput{CompanyID: c.ID, AgentID: a.ID})
	if err != nil || r.Status != store.RunQueued || r.InvocationSource != "on_demand" || r.CreatedAt != store.FormatTime(storetest.Start()) {
		t.Fatalf("defaults: %+v %v", r, err)
	}
	for name, in := range map[string]store.RunInput{
		"agent of another company": {CompanyID: other.ID, AgentID: a.ID},
		"issue of another company": {CompanyID: c.ID, AgentID: a.ID, IssueID: &foreignIssue.ID},
	} {
		if _, err := st.CreateHeartbeatRun(ctx, in); store.ErrorCode(err) != store.ENOTFOUND {
			t.Errorf("%s: %v, want not_found", name, err)
		}
	}
	for name, in := range map[string]store.RunInput{
		"unknown status": {CompanyID: c.ID, AgentID: a.ID, Status: "sleeping"},
		"unknown source": {CompanyID: c.ID, AgentID: a.ID, InvocationSource: "cron"},
		"no agent":       {CompanyID: c.ID},
	} {
		if _, err := st.CreateHeartbeatRun(ctx, in); store.ErrorCode(err) != store.EINVALID {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
}
