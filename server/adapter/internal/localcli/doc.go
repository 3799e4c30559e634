// Package localcli holds what the local CLI adapters (claude_local, codex_local) share
// and would otherwise each write again: splitting a child's streaming stdout into
// lines for their parsers, reading typed keys of an adapterConfig, and writing skill
// files where the CLIs discover them. Each adapter keeps its own command line and its
// own stream format.
package localcli
