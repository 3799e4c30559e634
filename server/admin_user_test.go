package server_test

import (
	"strings"
	"testing"
)

// TestInstanceAdminRoutes: only instance admins search users, promote and demote
// (never the last admin) and set company access; grants replace explicit ones.
func TestInstanceAdminRoutes(t *testing.T) {
	e := newAuthEnv(t)
	admin, adminID := e.bootstrapAdmin()
	c1 := e.company(admin, "One")
	c2 := e.company(admin, "Two")
	kim, kimID := e.join(admin, c1, "operator", "Kim", "kim@example.com")

	if r := e.req("GET", "/api/admin/users?query=kim", nil, as(kim)...); r.Status != 403 {
		t.Fatalf("non-admin search: %d %s", r.Status, r.Body)
	}
	list := e.req("GET", "/api/admin/users?query=KIM", nil, as(admin)...)
	if list.Status != 200 || len(list.List()) != 1 || list.List()[0]["id"] != kimID || list.List()[0]["isInstanceAdmin"] != false {
		t.Fatalf("search: %d %s", list.Status, list.Body)
	}
	if r := e.req("GET", "/api/admin/users?query="+strings.Repeat("x", 121), nil, as(admin)...); r.Status != 400 {
		t.Fatalf("long query: %d %s", r.Status, r.Body)
	}
	if r := e.req("POST", "/api/admin/users/"+adminID+"/demote-instance-admin", nil, as(admin)...); r.Status != 409 {
		t.Fatalf("demote last admin: %d %s", r.Status, r.Body)
	}
	if r := e.req("POST", "/api/admin/users/nobody/promote-instance-admin", nil, as(admin)...); r.Status != 404 {
		t.Fatalf("promote unknown: %d %s", r.Status, r.Body)
	}
	if r := e.req("POST", "/api/admin/users/"+kimID+"/promote-instance-admin", nil, as(admin)...); r.Status != 200 || r.JSON()["isInstanceAdmin"] != true {
		t.Fatalf("promote: %d %s", r.Status, r.Body)
	}
	// Kim is now admin of everything, including a company she never joined.
	if r := e.req("GET", "/api/companies/"+c2, nil, as(kim)...); r.Status != 200 {
		t.Fatalf("promoted read: %d %s", r.Status, r.Body)
	}
	if r := e.req("POST", "/api/admin/users/"+kimID+"/demote-instance-admin", nil, as(admin)...); r.Status != 200 {
		t.Fatalf("demote: %d %s", r.Status, r.Body)
	}
	if r := e.req("POST", "/api/admin/users/"+kimID+"/demote-instance-admin", nil, as(admin)...); r.Status != 404 {
		t.Fatalf("demote non-admin: %d %s", r.Status, r.Body)
	}
	if r := e.req("GET", "/api/companies/"+c2, nil, as(kim)...); r.Status != 403 {
		t.Fatalf("demoted read: %d %s", r.Status, r.Body)
	}

	acc := e.req("PUT", "/api/admin/users/"+kimID+"/company-access", map[string]any{"companyIds": []string{c2}}, as(admin)...)
	if acc.Status != 200 || len(acc.JSON()["companyIds"].([]any)) != 1 || acc.JSON()["companyIds"].([]any)[0] != c2 {
		t.Fatalf("company access: %d %s", acc.Status, acc.Body)
	}
	if r := e.req("GET", "/api/companies/"+c1, nil, as(kim)...); r.Status != 403 {
		t.Fatalf("archived membership read: %d %s", r.Status, r.Body)
	}
	if r := e.req("GET", "/api/companies/"+c2+"/issues", nil, as(kim)...); r.Status != 200 {
		t.Fatalf("new membership read: %d %s", r.Status, r.Body)
	}
	if r := e.req("PUT", "/api/admin/users/"+kimID+"/company-access", map[string]any{"companyIds": []string{"x"}}, as(admin)...); r.Status != 400 {
		t.Fatalf("bad company id: %d %s", r.Status, r.Body)
	}

	// Explicit grants: give Kim users:invite in c2, then take it away again.
	var memberID string
	for _, m := range e.req("GET", "/api/companies/"+c2+"/members", nil, as(admin)...).List() {
		if m["principalId"] == kimID {
			memberID = m["id"].(string)
		}
	}
	if r := e.req("POST", "/api/companies/"+c2+"/invites", map[string]any{}, as(kim)...); r.Status != 403 {
		t.Fatalf("invite before grant: %d %s", r.Status, r.Body)
	}
	path := "/api/companies/" + c2 + "/members/" + memberID + "/permissions"
	if r := e.req("PATCH", path, map[string]any{"grants": []any{map[string]any{"permissionKey": "nope"}}}, as(admin)...); r.Status != 400 {
		t.Fatalf("bad key: %d %s", r.Status, r.Body)
	}
	if r := e.req("PATCH", path, map[string]any{"grants": []any{map[string]any{"permissionKey": "users:invite"}}}, as(admin)...); r.Status != 200 {
		t.Fatalf("grant: %d %s", r.Status, r.Body)
	}
	if r := e.req("POST", "/api/companies/"+c2+"/invites", map[string]any{}, as(kim)...); r.Status != 201 {
		t.Fatalf("invite with grant: %d %s", r.Status, r.Body)
	}
	if r := e.req("PATCH", path, map[string]any{"grants": []any{}}, as(kim)...); r.Status != 403 {
		t.Fatalf("grantee edits grants: %d %s", r.Status, r.Body)
	}
	if r := e.req("PATCH", path, map[string]any{"grants": []any{}}, as(admin)...); r.Status != 200 {
		t.Fatalf("clear grants: %d %s", r.Status, r.Body)
	}
	if r := e.req("POST", "/api/companies/"+c2+"/invites", map[string]any{}, as(kim)...); r.Status != 403 {
		t.Fatalf("invite after clear: %d %s", r.Status, r.Body)
	}
	if r := e.req("PATCH", "/api/companies/"+c1+"/members/"+memberID, map[string]any{"status": "active"}, as(admin)...); r.Status != 404 {
		t.Fatalf("member of another company: %d %s", r.Status, r.Body)
	}
	if r := e.req("PATCH", "/api/companies/"+c2+"/members/"+memberID, map[string]any{}, as(admin)...); r.Status != 400 {
		t.Fatalf("empty member patch: %d %s", r.Status, r.Body)
	}
}
