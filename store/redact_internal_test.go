package store

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestIsSensitiveKeyIsTheRegexp: the spelled-out word search answers as sensitiveKeyRe
// for every key: each word in any case and between other characters, near misses, the
// non-ASCII letters (?i) folds to ASCII ones, long keys, and random keys of the words'
// letters, half of them around a word in random case, some with one letter changed.
func TestIsSensitiveKeyIsTheRegexp(t *testing.T) {
	keys := []string{"", "title", "assigneeAgentId", "identifier", "AUTH", "oAuthClient", "x-Api-Key", "api key",
		"apiKey", "API_KEY", "accessToken", "access token", "bearerToken", "clientSecret", "passwd", "PassWord", "pass_word",
		"credentials", "JWT", "privateKey", "private.key", "cookies", "ConnectionString", "connection_string",
		"\u212aey", "api\u212aey", "\u017fecret", "SECRE\u0054", "s\u0065cret", "author", "jw", "cooki", "p\u00e4ssword",
		strings.Repeat("a", 64) + "secret", strings.Repeat("b", 63) + "j", strings.Repeat("c", 70)}
	for _, part := range sensitiveKeyParts {
		w := string(part)
		keys = append(keys, w, strings.ToUpper(w), "x"+w+"y", w[:len(w)-1], strings.ToUpper(w[:1])+w[1:])
	}
	letters := []rune("apikeyacstonuhrbwdlmvjfgKS-_ .\u212a\u017f")
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		n := r.IntN(20)
		var b strings.Builder
		for range n {
			b.WriteRune(letters[r.IntN(len(letters))])
		}
		if r.IntN(2) == 0 {
			// A word, in random case and maybe one letter off, inside the noise.
			w := []byte(string(sensitiveKeyParts[r.IntN(len(sensitiveKeyParts))]))
			for i := range w {
				if r.IntN(2) == 0 {
					w[i] = strings.ToUpper(string(w[i]))[0]
				}
			}
			if r.IntN(3) == 0 {
				w[r.IntN(len(w))] = byte(letters[r.IntN(20)])
			}
			b.Write(w)
		}
		keys = append(keys, b.String())
	}
	sensitive := 0
	for _, k := range keys {
		want := sensitiveKeyRe.MatchString(k)
		if got := IsSensitiveKey(k); got != want {
			t.Errorf("IsSensitiveKey(%q) = %v, the regexp says %v", k, got, want)
		}
		if want {
			sensitive++
		}
	}
	if sensitive < 100 {
		t.Fatalf("only %d of %d keys were sensitive: the test does not exercise the words", sensitive, len(keys))
	}
}
