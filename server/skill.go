package server

import (
	"io/fs"
	"net/http"
	"sort"
	"strings"

	"github.com/gorilla/mux"

	pcembed "paperclip/embed"
)

// skillRoutes serve the embedded agent skills (runtime.md §23). They are public: an
// agent reads the skill before it has any credential, and it holds no secret.
func (s *Server) skillRoutes() []route {
	return []route{
		{http.MethodGet, "/api/skills/index", whoPublic, "List the agent skills this server serves", s.handleSkillIndex},
		{http.MethodGet, "/api/skills/{name}", whoPublic, "Read an agent skill (markdown)", s.handleSkill},
	}
}

type skillEntry struct {
	Name string `json:"name"`
	Path string `json:"path"`
}

func (s *Server) handleSkillIndex(w http.ResponseWriter, r *http.Request) {
	list := []skillEntry{}
	for _, name := range SkillNames() {
		list = append(list, skillEntry{Name: name, Path: "/api/skills/" + name})
	}
	writeJSON(w, http.StatusOK, map[string]any{"skills": list})
}

func (s *Server) handleSkill(w http.ResponseWriter, r *http.Request) {
	doc, ok := AgentSkill(mux.Vars(r)["name"], s.cfg.Version)
	if !ok {
		writeJSON(w, http.StatusNotFound, errorBody{Error: "Skill not found"})
		return
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	w.Write(doc)
}

// SkillNames lists the embedded skills, "paperclip" first (the protocol every agent
// needs), the rest by name.
func SkillNames() []string {
	var names []string
	entries, _ := fs.ReadDir(pcembed.Skills(), ".")
	for _, e := range entries {
		if e.IsDir() {
			if _, err := fs.Stat(pcembed.Skills(), e.Name()+"/SKILL.md"); err == nil {
				names = append(names, e.Name())
			}
		}
	}
	sort.SliceStable(names, func(i, j int) bool { return names[i] == "paperclip" && names[j] != "paperclip" })
	return names
}

// AgentSkill is an embedded skill document as it is served and installed: the bytes
// of <name>/SKILL.md with the version placeholder replaced by this binary's version.
// The route, the CLI adapters' install and `paperclip agent local-cli` all hand out
// these same bytes.
func AgentSkill(name, version string) ([]byte, bool) {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
		return nil, false
	}
	b, err := fs.ReadFile(pcembed.Skills(), name+"/SKILL.md")
	if err != nil {
		return nil, false
	}
	return []byte(strings.ReplaceAll(string(b), pcembed.SkillVersionPlaceholder, version)), true
}
