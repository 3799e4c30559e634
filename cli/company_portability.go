package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"
)

// Company portability commands: export a company as a package folder or zip, and
// import one with a preview first (docs/portability.md).

// portabilityCommands are registered on the company noun.
func portabilityCommands(a *app) []*cobra.Command {
	return []*cobra.Command{
		newCompanyExportCommand(a),
		newCompanyImportCommand(a),
		newCompanyPayloadCommand(a, "export:preview", "Preview a company export", "/api/companies/%s/exports/preview"),
		newCompanyPayloadCommand(a, "import:preview", "Preview an import into this company", "/api/companies/%s/imports/preview"),
		newCompanyPayloadCommand(a, "import:apply", "Import a package into this company", "/api/companies/%s/imports/apply"),
	}
}

// packageFile is one file of an export answer: a string, or base64 for binaries.
type packageFile struct {
	text   string
	data   []byte
	binary bool
}

func (f *packageFile) UnmarshalJSON(b []byte) error {
	if json.Unmarshal(b, &f.text) == nil {
		return nil
	}
	var o struct {
		Encoding string `json:"encoding"`
		Data     string `json:"data"`
	}
	if err := json.Unmarshal(b, &o); err != nil || o.Encoding != "base64" {
		return fmt.Errorf("unexpected package file entry")
	}
	data, err := base64.StdEncoding.DecodeString(o.Data)
	f.data, f.binary = data, true
	return err
}

func (f packageFile) bytes() []byte {
	if f.binary {
		return f.data
	}
	return []byte(f.text)
}

type exportAnswer struct {
	RootPath string                 `json:"rootPath"`
	Files    map[string]packageFile `json:"files"`
	Warnings []string               `json:"warnings"`
	Manifest struct {
		Company *struct {
			Name string `json:"name"`
		} `json:"company"`
		Agents   []json.RawMessage `json:"agents"`
		Projects []json.RawMessage `json:"projects"`
		Issues   []json.RawMessage `json:"issues"`
		Skills   []json.RawMessage `json:"skills"`
	} `json:"manifest"`
}

func csvInclude(v string) (map[string]bool, error) {
	out := map[string]bool{"company": false, "agents": false, "projects": false, "issues": false, "skills": false}
	for _, part := range splitCSVList(v) {
		if _, ok := out[part]; !ok {
			return nil, &cliError{msg: "Invalid --include value " + part + ": expected company, agents, projects, issues, skills"}
		}
		out[part] = true
	}
	return out, nil
}

func newCompanyExportCommand(a *app) *cobra.Command {
	var f clientFlags
	var out, include, skills, projects, issues, projectIssues string
	var expand, force, asZip bool
	cmd := &cobra.Command{
		Use:   "export <companyId>",
		Short: "Export a company as a markdown package (folder or zip); secrets travel as names only",
		Example: "  paperclip company export <companyId> --out ./lean-dev-shop\n" +
			"  paperclip company export <companyId> --out shop.zip --zip --include company,agents,projects,issues,skills",
		Args:         exactArgs("companyId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			inc, err := csvInclude(include)
			if err != nil {
				return err
			}
			body := map[string]any{"include": inc, "expandReferencedSkills": expand}
			for key, v := range map[string]string{"skills": skills, "projects": projects, "issues": issues, "projectIssues": projectIssues} {
				if list := splitCSVList(v); len(list) > 0 {
					body[key] = list
				}
			}
			if err := checkExportTarget(out, force, asZip); err != nil {
				return err
			}
			s, err := a.newSession(&f)
			if err != nil {
				return err
			}
			raw, err := s.post(cmd.Context(), apiPath("/api/companies/%s/export", args[0]), body)
			if err != nil {
				return err
			}
			var ex exportAnswer
			if err := json.Unmarshal(raw, &ex); err != nil {
				return fmt.Errorf("unexpected export answer: %w", err)
			}
			if asZip {
				err = writeExportZip(out, ex)
			} else {
				err = writeExportDir(out, ex)
			}
			if err != nil {
				return err
			}
			return a.reportExport(s, out, ex)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&out, "out", "", "directory to write the package into (a .zip file with --zip)")
	fl.StringVar(&include, "include", "company,agents,projects,skills", "parts to export: company,agents,projects,issues,skills")
	fl.StringVar(&skills, "skills", "", "comma-separated skill slugs")
	fl.StringVar(&projects, "projects", "", "comma-separated project slugs or ids")
	fl.StringVar(&issues, "issues", "", "comma-separated issue identifiers or ids")
	fl.StringVar(&projectIssues, "project-issues", "", "comma-separated projects whose issues are all exported")
	fl.BoolVar(&expand, "expand-referenced-skills", false, "accepted; skills are always vendored")
	fl.BoolVar(&force, "force", false, "write into a non-empty --out")
	fl.BoolVar(&asZip, "zip", false, "write --out as a zip file")
	cmd.MarkFlagRequired("out")
	addClientFlags(cmd, &f)
	return cmd
}

// checkExportTarget refuses to mix an export into existing files without --force.
func checkExportTarget(out string, force, asZip bool) error {
	if force {
		return nil
	}
	if asZip {
		if _, err := os.Stat(out); err == nil {
			return &cliError{msg: out + " exists", hint: "Pass --force to overwrite it"}
		}
		return nil
	}
	entries, err := os.ReadDir(out)
	if err == nil && len(entries) > 0 {
		return &cliError{msg: out + " is not empty", hint: "Pass --force to write into it"}
	}
	return nil
}

// safeJoin places a package path under dir, refusing anything that would escape it.
func safeJoin(dir, p string) (string, error) {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || !fs.ValidPath(p) {
		return "", fmt.Errorf("refusing unsafe package path %q", p)
	}
	return filepath.Join(dir, filepath.FromSlash(p)), nil
}

func writeExportDir(out string, ex exportAnswer) error {
	for p, f := range ex.Files {
		dst, err := safeJoin(out, p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, f.bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func sortedPaths(files map[string]packageFile) []string {
	out := make([]string, 0, len(files))
	for p := range files {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func writeExportZip(out string, ex exportAnswer) error {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range sortedPaths(ex.Files) {
		if _, err := safeJoin(".", p); err != nil {
			return err
		}
		w, err := zw.Create(ex.RootPath + "/" + p)
		if err != nil {
			return err
		}
		if _, err := w.Write(ex.Files[p].bytes()); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if dir := filepath.Dir(out); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

func (a *app) reportExport(s *session, out string, ex exportAnswer) error {
	paths := sortedPaths(ex.Files)
	if s.json {
		return a.printValue(map[string]any{"out": out, "rootPath": ex.RootPath, "files": paths, "warnings": nonNilStrings(ex.Warnings)}, true)
	}
	name := ex.RootPath
	if ex.Manifest.Company != nil {
		name = ex.Manifest.Company.Name
	}
	m := ex.Manifest
	fmt.Fprintf(a.stdout, "Exported %s to %s: %d files (agents %d, projects %d, issues %d, skills %d)\n",
		name, out, len(paths), len(m.Agents), len(m.Projects), len(m.Issues), len(m.Skills))
	for _, w := range ex.Warnings {
		fmt.Fprintf(a.stdout, "warning: %s\n", w)
	}
	return nil
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// newCompanyPayloadCommand is a raw route call with --payload-json.
func newCompanyPayloadCommand(a *app, use, short, pathFormat string) *cobra.Command {
	var payload string
	return newClientCommand(a, clientCommand{
		name: use, args: []string{"companyId"},
		short:   short,
		example: "  paperclip company " + use + ` <companyId> --payload-json '{...}'`,
		flags:   payloadFlag(&payload, "{}", "request"),
		method:  http.MethodPost, path: pathFormat, body: payloadBody(&payload),
	})
}

// readPackageDir reads a package folder, skipping VCS and dependency folders and
// dotfiles other than the sidecar.
func readPackageDir(ctx context.Context, dir string) (map[string]any, error) {
	files := map[string]any{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		name := d.Name()
		if p != dir && strings.HasPrefix(name, ".") && name != ".paperclip.yaml" {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if name == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = fileEntry(filepath.ToSlash(rel), data)
		return nil
	})
	return files, err
}

// fileEntry is a text file as a string and an asset as base64.
func fileEntry(p string, data []byte) any {
	if strings.HasPrefix(p, "assets/") || strings.Contains(p, "/assets/") {
		return map[string]any{"encoding": "base64", "data": base64.StdEncoding.EncodeToString(data)}
	}
	return string(data)
}

// readPackageZip reads a zip into a file map; the server checks paths and sizes again.
func readPackageZip(path string) (map[string]any, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, &cliError{msg: "Cannot read zip " + path + ": " + err.Error()}
	}
	defer zr.Close()
	files := map[string]any{}
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		_, err = buf.ReadFrom(io.LimitReader(rc, 256<<20))
		rc.Close()
		if err != nil {
			return nil, err
		}
		files[f.Name] = fileEntry(f.Name, buf.Bytes())
	}
	return files, nil
}
