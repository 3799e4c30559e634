package heartbeat

import (
	"fmt"
	"strings"
)

// batchCommandLine is the cmd.exe command line that runs a .cmd or .bat file with args
// as literal arguments: /d skips AutoRun commands, /s /c runs what is between the
// outer quotes as it is. Each argument is quoted for both parsers it meets: cmd.exe,
// for which everything inside double quotes is literal except % and a quote (doubled),
// and the program the batch file hands %* to, which follows the C runtime's rules
// (backslashes before a quote doubled). An argument with %, CR, LF or NUL cannot be
// made literal for cmd.exe and is refused rather than passed on with another meaning.
func batchCommandLine(path string, args []string) (string, error) {
	parts := make([]string, 0, len(args)+1)
	for i, a := range append([]string{path}, args...) {
		if strings.ContainsAny(a, "%\r\n\x00") {
			what := fmt.Sprintf("argument %d", i)
			if i == 0 {
				what = "batch file path"
			}
			return "", fmt.Errorf("%s %q cannot be passed safely through cmd.exe", what, a)
		}
		parts = append(parts, quoteForCmd(a))
	}
	return `/d /s /c "` + strings.Join(parts, " ") + `"`, nil
}

// quoteForCmd quotes one argument when it holds anything cmd.exe or the C runtime
// would read specially.
func quoteForCmd(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\"&|<>^(),;=!'`") {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	backslashes := 0
	for _, r := range s {
		switch r {
		case '\\':
			backslashes++
			continue
		case '"':
			b.WriteString(strings.Repeat(`\`, 2*backslashes))
			b.WriteString(`""`)
		default:
			b.WriteString(strings.Repeat(`\`, backslashes))
			b.WriteRune(r)
		}
		backslashes = 0
	}
	b.WriteString(strings.Repeat(`\`, 2*backslashes))
	b.WriteByte('"')
	return b.String()
}
