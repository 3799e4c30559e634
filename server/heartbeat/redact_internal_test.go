package heartbeat

import (
	"strings"
	"testing"
)

// TestStreamRedactorHoldsOnlyASecretsBeginning: a secret split across chunks never
// leaks, and text that cannot begin a secret is emitted at once instead of waiting for
// a secret's length of further output.
func TestStreamRedactorHoldsOnlyASecretsBeginning(t *testing.T) {
	const jwt = "eyJhbGciOiJIUzI1NiJ9.payload.signature"
	s := &streamRedactor{r: NewRedactor(jwt, "hunter2-secret")}
	if got := s.write([]byte("step 1 done\n")); got != "step 1 done\n" {
		t.Fatalf("a short line with no secret in it was held back: %q", got)
	}
	var out strings.Builder
	for _, chunk := range []string{"token=eyJhbG", "ciOiJIUzI1NiJ9.pay", "load.signature and hunt", "er2-secret end\n"} {
		out.WriteString(s.write([]byte(chunk)))
	}
	out.WriteString(s.flush())
	got := out.String()
	if strings.Contains(got, "signature") || strings.Contains(got, "hunter2") {
		t.Fatalf("a split secret leaked: %q", got)
	}
	if want := "token=***REDACTED*** and ***REDACTED*** end\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if held := s.write([]byte("ends with eyJ")); held != "ends with " {
		t.Fatalf("the possible beginning of the JWT must wait for the next chunk: %q", held)
	}
}
