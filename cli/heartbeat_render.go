package cli

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// renderer turns run events and log chunks into terminal lines (cli.md §8.8 step 5):
// stdout goes through the adapter's formatter, stderr and system lines are prefixed.
type renderer struct {
	a           *app
	adapterType string
	debug       bool
	stdout      []byte // an incomplete stdout line
}

func newRenderer(a *app, adapterType string, debug bool) *renderer {
	return &renderer{a: a, adapterType: adapterType, debug: debug}
}

func (r *renderer) line(s string) { r.a.printf("%s\n", s) }

// event renders one run event.
func (r *renderer) event(ev runEvent) {
	if ev.EventType == "adapter.invoke" {
		r.invoke(ev.Payload)
		return
	}
	if ev.EventType == "lifecycle" {
		return // status changes are printed from the run itself
	}
	msg := ""
	if ev.Message != nil {
		msg = *ev.Message
	}
	if msg == "" && len(ev.Payload) > 0 && string(ev.Payload) != "null" {
		msg = string(ev.Payload)
	}
	r.line(r.a.paint("33", fmt.Sprintf("[event] %s: %s", ev.EventType, msg)))
}

// invoke prints what the adapter is about to run; env and headers arrive redacted.
func (r *renderer) invoke(payload json.RawMessage) {
	var p struct {
		AdapterType string            `json:"adapterType"`
		Command     string            `json:"command"`
		CommandArgs []string          `json:"commandArgs"`
		Cwd         string            `json:"cwd"`
		Env         map[string]string `json:"env"`
		Prompt      string            `json:"prompt"`
		Method      string            `json:"method"`
		URL         string            `json:"url"`
		Headers     map[string]string `json:"headers"`
	}
	if json.Unmarshal(payload, &p) != nil {
		return
	}
	if p.AdapterType != "" {
		r.adapterType = p.AdapterType
	}
	r.line("Adapter: " + r.adapterType)
	if p.Cwd != "" {
		r.line("Working dir: " + p.Cwd)
	}
	if p.Command != "" {
		r.line("Command: " + strings.TrimSpace(p.Command+" "+strings.Join(p.CommandArgs, " ")))
	}
	if p.URL != "" {
		r.line("Request: " + strings.TrimSpace(p.Method+" "+p.URL))
	}
	for _, kv := range []struct {
		title string
		m     map[string]string
	}{{"Env", p.Env}, {"Headers", p.Headers}} {
		if len(kv.m) == 0 {
			continue
		}
		r.line(kv.title + ":")
		keys := make([]string, 0, len(kv.m))
		for k := range kv.m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			r.line("  " + k + "=" + kv.m[k])
		}
	}
	if p.Prompt != "" {
		r.line("Prompt:")
		for _, l := range strings.Split(trimTrailingNewline(p.Prompt), "\n") {
			r.line("  " + l)
		}
	}
}

// chunk renders one log chunk of a stream.
func (r *renderer) chunk(stream, text string) {
	if r.debug {
		r.line("[" + stream + "] " + trimTrailingNewline(text))
		return
	}
	switch stream {
	case "stdout":
		r.stdout = append(r.stdout, text...)
		for {
			i := strings.IndexByte(string(r.stdout), '\n')
			if i < 0 {
				return
			}
			r.stdoutLine(string(r.stdout[:i]))
			r.stdout = r.stdout[i+1:]
		}
	case "stderr":
		for _, l := range strings.Split(trimTrailingNewline(text), "\n") {
			r.line(r.a.paint("31", "[stderr] "+l))
		}
	default:
		for _, l := range strings.Split(trimTrailingNewline(text), "\n") {
			r.line(r.a.paint("2", "[system] "+l))
		}
	}
}

// flush prints a last stdout line that had no newline.
func (r *renderer) flush() {
	if len(r.stdout) > 0 && !r.debug {
		r.stdoutLine(string(r.stdout))
	}
	r.stdout = nil
}

func (r *renderer) stdoutLine(l string) {
	l = strings.TrimRight(l, "\r")
	var out []string
	switch r.adapterType {
	case "claude_local":
		out = formatClaudeLine(l)
	case "codex_local":
		out = formatCodexLine(l)
	default:
		out = []string{l}
	}
	for _, o := range out {
		r.line(o)
	}
}

// formatClaudeLine renders one stream-json line of Claude Code: assistant text, tool
// calls and the final result; other events are not shown, non-JSON lines are raw.
func formatClaudeLine(l string) []string {
	var ev struct {
		Type    string `json:"type"`
		Subtype string `json:"subtype"`
		Model   string `json:"model"`
		Session string `json:"session_id"`
		Message struct {
			Content []struct {
				Type string `json:"type"`
				Text string `json:"text"`
				Name string `json:"name"`
			} `json:"content"`
		} `json:"message"`
		IsError bool     `json:"is_error"`
		Result  string   `json:"result"`
		CostUSD *float64 `json:"total_cost_usd"`
		Usage   struct {
			In     int64 `json:"input_tokens"`
			Cached int64 `json:"cache_read_input_tokens"`
			Out    int64 `json:"output_tokens"`
		} `json:"usage"`
	}
	if !strings.HasPrefix(strings.TrimSpace(l), "{") || json.Unmarshal([]byte(l), &ev) != nil {
		return []string{l}
	}
	switch ev.Type {
	case "system":
		if ev.Subtype == "init" {
			return []string{fmt.Sprintf("Claude session %s (model %s)", ev.Session, firstNonEmpty(ev.Model, "default"))}
		}
	case "assistant":
		var out []string
		for _, b := range ev.Message.Content {
			switch b.Type {
			case "text":
				if t := strings.TrimSpace(b.Text); t != "" {
					out = append(out, t)
				}
			case "tool_use":
				out = append(out, "tool: "+b.Name)
			}
		}
		return out
	case "result":
		cost := "-"
		if ev.CostUSD != nil {
			cost = fmt.Sprintf("$%.4f", *ev.CostUSD)
		}
		line := fmt.Sprintf("result: %s cost=%s tokens in=%d cached=%d out=%d", firstNonEmpty(ev.Subtype, "-"), cost,
			ev.Usage.In, ev.Usage.Cached, ev.Usage.Out)
		if ev.IsError {
			line += " (error)"
		}
		return []string{line}
	}
	return nil
}

// formatCodexLine renders one JSONL event of `codex exec --json`: agent messages,
// commands, usage and errors.
func formatCodexLine(l string) []string {
	var ev struct {
		Type     string `json:"type"`
		ThreadID string `json:"thread_id"`
		Message  string `json:"message"`
		Item     struct {
			Type     string `json:"type"`
			Text     string `json:"text"`
			Command  string `json:"command"`
			ExitCode *int   `json:"exit_code"`
		} `json:"item"`
		Usage struct {
			In     int64 `json:"input_tokens"`
			Cached int64 `json:"cached_input_tokens"`
			Out    int64 `json:"output_tokens"`
		} `json:"usage"`
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if !strings.HasPrefix(strings.TrimSpace(l), "{") || json.Unmarshal([]byte(l), &ev) != nil {
		return []string{l}
	}
	switch ev.Type {
	case "thread.started":
		return []string{"Codex thread " + ev.ThreadID}
	case "item.started":
		if ev.Item.Type == "command_execution" {
			return []string{"command: " + ev.Item.Command}
		}
	case "item.completed":
		switch ev.Item.Type {
		case "agent_message":
			if t := strings.TrimSpace(ev.Item.Text); t != "" {
				return []string{t}
			}
		case "command_execution":
			if ev.Item.ExitCode != nil && *ev.Item.ExitCode != 0 {
				return []string{fmt.Sprintf("command exited with code %d: %s", *ev.Item.ExitCode, ev.Item.Command)}
			}
		case "error":
			return []string{"error: " + firstNonEmpty(ev.Item.Text, ev.Message)}
		}
	case "turn.completed":
		return []string{fmt.Sprintf("usage: in=%d cached=%d out=%d", ev.Usage.In, ev.Usage.Cached, ev.Usage.Out)}
	case "turn.failed":
		return []string{"error: " + ev.Error.Message}
	case "error":
		return []string{"error: " + ev.Message}
	}
	return nil
}
