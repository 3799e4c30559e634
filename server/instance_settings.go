package server

import (
	"bytes"
	"encoding/json"
	"net/http"

	"paperclip/store"
)

func (s *Server) instanceSettingsRoutes() []route {
	return []route{
		{http.MethodGet, "/api/instance/settings", whoBoard, "Instance settings (board members or admins)", s.handleSettingsGet("")},
		{http.MethodPatch, "/api/instance/settings", whoAdmin, "Update instance settings", s.handleSettingsPatch("")},
		{http.MethodGet, "/api/instance/settings/general", whoBoard, "General instance settings", s.handleSettingsGet("general")},
		{http.MethodPatch, "/api/instance/settings/general", whoAdmin, "Update general instance settings", s.handleSettingsPatch("general")},
		{http.MethodGet, "/api/instance/settings/experimental", whoBoard, "Experimental instance settings", s.handleSettingsGet("experimental")},
		{http.MethodPatch, "/api/instance/settings/experimental", whoAdmin, "Update experimental instance settings", s.handleSettingsPatch("experimental")},
	}
}

// settingsReader is the read rule: an instance admin, or a board user with at least
// one active company membership.
func (s *Server) settingsReader(r *http.Request) error {
	a := actorOf(r)
	if a.InstanceAdmin {
		return nil
	}
	ok, err := s.store.HasActiveMembership(r.Context(), a.UserID)
	if err != nil {
		return err
	}
	if !ok {
		return errorf(store.EFORBIDDEN, "Company membership or instance admin access required")
	}
	return nil
}

// settingsSection picks the part of the settings a route answers with.
func settingsSection(st store.InstanceSettings, section string) any {
	switch section {
	case "general":
		return st.General
	case "experimental":
		return st.Experimental
	}
	return st
}

func (s *Server) handleSettingsGet(section string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := s.settingsReader(r); err != nil {
			s.writeError(w, r, err)
			return
		}
		st, err := s.store.FindInstanceSettings(r.Context())
		s.respond(w, r, http.StatusOK, settingsSection(st, section), err)
	}
}

func (s *Server) handleSettingsPatch(section string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		patch, err := decodeSettingsPatch(w, r, section)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		action := "instance.settings.updated"
		if section != "" {
			action = "instance.settings." + section + "_updated"
		}
		st, err := s.store.UpdateInstanceSettings(r.Context(), action, patch)
		s.respond(w, r, http.StatusOK, settingsSection(st, section), err)
	}
}

// decodeSettingsPatch reads the body of one of the three PATCH routes: the whole
// settings form {general?, experimental?} (strict), general alone (strict), or
// experimental alone (unknown keys dropped).
func decodeSettingsPatch(w http.ResponseWriter, r *http.Request, section string) (store.SettingsPatch, error) {
	var p store.SettingsPatch
	var err error
	switch section {
	case "general":
		var m map[string]any
		if m, err = decodeObjectBody(w, r); err == nil {
			p.General, err = m, store.ValidateGeneral(m)
		}
	case "experimental":
		var m map[string]any
		if m, err = decodeObjectBody(w, r); err == nil {
			p.Experimental, err = store.ValidateExperimental(m)
		}
	default:
		var body struct {
			General      store.Optional[map[string]any] `json:"general"`
			Experimental store.Optional[map[string]any] `json:"experimental"`
		}
		if err = decodeBody(w, r, &body, true); err != nil {
			return p, err
		}
		var problems store.Problems
		for name, o := range map[string]store.Optional[map[string]any]{"general": body.General, "experimental": body.Experimental} {
			if o.Set && o.Null {
				problems.Add("invalid_type", "Expected object, received null", name)
			}
		}
		if err = problems.Err(); err != nil {
			return p, err
		}
		p.General = body.General.Value
		if err = store.ValidateGeneral(p.General); err != nil {
			return p, err
		}
		// The whole-settings form is strict throughout, experimental included.
		for k := range body.Experimental.Value {
			switch k {
			case "enableIsolatedWorkspaces", "enableStreamlinedLeftNavigation", "enableGoalsSidebarLink":
			default:
				return p, store.Validation(store.FieldError{Path: []any{"experimental"}, Code: "unrecognized_keys",
					Message: "Unrecognized key(s) in object: '" + k + "'"})
			}
		}
		p.Experimental, err = store.ValidateExperimental(body.Experimental.Value)
	}
	return p, err
}

// decodeObjectBody reads a JSON object body of free-form keys ({} when empty).
func decodeObjectBody(w http.ResponseWriter, r *http.Request) (map[string]any, error) {
	body, err := readBody(w, r, maxJSONBody)
	if err != nil {
		return nil, err
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return map[string]any{}, nil
	}
	if !json.Valid(body) {
		return nil, errorf(store.EINVALID, "Invalid JSON body")
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		return nil, store.Validation(store.FieldError{Path: []any{}, Code: "invalid_type",
			Message: "Expected object, received " + store.JSONKind(body)})
	}
	return m, nil
}
