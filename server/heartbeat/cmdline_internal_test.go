package heartbeat

import "testing"

// The cmd.exe line for npm's .cmd shims: metacharacters stay inside quotes, quotes are
// doubled, backslashes before a closing quote are doubled for the C runtime, and what
// cannot be made literal is refused.
func TestBatchCommandLine(t *testing.T) {
	got, err := batchCommandLine(`C:\Users\me\AppData\Roaming\npm\claude.cmd`,
		[]string{"--print", "--model", "claude sonnet", `say "hi"`, `C:\work dir\`, "a&b|c", "", `x\"y`})
	want := `/d /s /c "C:\Users\me\AppData\Roaming\npm\claude.cmd --print --model "claude sonnet" "say ""hi""" "C:\work dir\\" "a&b|c" "" "x\\""y""`
	if err != nil || got != want {
		t.Fatalf("got  %s\nwant %s\n(%v)", got, want, err)
	}
	for _, bad := range []string{"100%", "two\nlines", "nul\x00"} {
		if _, err := batchCommandLine(`C:\x.bat`, []string{bad}); err == nil {
			t.Errorf("argument %q was accepted", bad)
		}
	}
	if _, err := batchCommandLine(`C:\50%\x.cmd`, nil); err == nil {
		t.Error("a path with % was accepted")
	}
}
