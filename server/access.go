package server

import (
	"net/http"

	"paperclip/store"
)

// Access levels of the "Who" column (spec README §4.1).
const (
	whoPublic = "public"
	whoAny    = "any"
	whoBoard  = "board"
	whoAdmin  = "admin"
	whoAgent  = "agent"
	whoCRead  = "C:read"
	whoCWrite = "C:write"
	whoCBoard = "C:board"
	// whoCExport and whoCImport are the strict portability flows: board writers of
	// the path company, or its CEO agent (store.ActCompanyExport, ActCompanyImport).
	whoCExport = "C:export"
	whoCImport = "C:import"
	// whoBoardUser is a route about the calling person (session, profile): anyone
	// else is 401 "Board authentication required".
	whoBoardUser = "board_user"
)

// checkWho enforces the actor-class part of a route's access rule. Company-level rules
// need the company id and are checked by companyAccess.
func checkWho(a store.Actor, who string) error {
	if who == whoPublic {
		return nil
	}
	if who == whoBoardUser && !a.IsBoard() {
		return errorf(store.EUNAUTHORIZED, "Board authentication required")
	}
	if a.Kind == store.ActorNone {
		if who == whoAgent {
			return errorf(store.EUNAUTHORIZED, "Agent authentication required")
		}
		return errorf(store.EUNAUTHORIZED, "Unauthorized")
	}
	switch who {
	case whoBoard:
		if !a.IsBoard() {
			return errorf(store.EFORBIDDEN, "Board access required")
		}
	case whoAdmin:
		if !a.IsBoard() {
			return errorf(store.EFORBIDDEN, "Board access required")
		}
		if !a.InstanceAdmin {
			return errorf(store.EFORBIDDEN, "Instance admin access required")
		}
	case whoAgent:
		if !a.IsAgent() {
			return errorf(store.EUNAUTHORIZED, "Agent authentication required")
		}
	}
	return nil
}

// companyAccess checks that the actor may use companyID at the given level (C:read,
// C:write, C:board) for a company-path route: a company the caller may not use is 403;
// one it could use but that does not exist is 404.
func (s *Server) companyAccess(r *http.Request, companyID, level string) error {
	return s.companyAccessOf(r, companyID, level, false)
}

// companyAccessOf is companyAccess; known says companyID was read from a row just now,
// whose company_id references companies(id) ON DELETE CASCADE under foreign_keys=on,
// so the company exists and its existence query is skipped. A company deleted between
// that read and this check answers as if the request had run just before the delete.
func (s *Server) companyAccessOf(r *http.Request, companyID, level string, known bool) error {
	a := actorOf(r)
	if err := checkWho(a, whoAny); err != nil {
		return err
	}
	switch {
	case a.IsAgent():
		if a.CompanyID != companyID {
			return errorf(store.EFORBIDDEN, "Agent key cannot access another company")
		}
		if level == whoCBoard {
			return errorf(store.EFORBIDDEN, "Board access required")
		}
		return nil
	case a.IsBoard():
		t := store.Target{CompanyID: companyID}
		if err := s.store.Authorize(r.Context(), store.ActCompanyRead, t); err != nil {
			return err
		}
		if level != whoCRead {
			if err := s.store.Authorize(r.Context(), store.ActCompanyWrite, t); err != nil {
				return err
			}
		}
		if known {
			return nil
		}
		ok, err := s.store.CompanyExists(r.Context(), companyID)
		if err != nil {
			return err
		}
		if !ok {
			return store.NotFound("Company")
		}
		return nil
	}
	return errorf(store.EFORBIDDEN, "User does not have access to this company")
}

// entityAccess is the entity-route form: an entity whose company the caller may not
// read answers exactly like a missing one (notFound); past that, write-level refusals
// (viewer, board-only) are 403 as usual.
func (s *Server) entityAccess(r *http.Request, companyID, level string, notFound error) error {
	return s.entityAccessOf(r, companyID, level, notFound, false)
}

// rowAccess is entityAccess for companyID read from the entity's row just now (see
// companyAccessOf): the issue routes read the issue first, so the company's existence
// query, one more read transaction per request, is not needed.
func (s *Server) rowAccess(r *http.Request, companyID, level string, notFound error) error {
	return s.entityAccessOf(r, companyID, level, notFound, true)
}

func (s *Server) entityAccessOf(r *http.Request, companyID, level string, notFound error, known bool) error {
	err := s.companyAccessOf(r, companyID, whoCRead, known)
	switch store.ErrorCode(err) {
	case "":
	case store.EFORBIDDEN, store.ENOTFOUND:
		return notFound
	default:
		return err
	}
	if level == whoCRead {
		return nil
	}
	return s.companyAccessOf(r, companyID, level, known)
}
