package store_test

import (
	"regexp"
	"strings"
	"testing"

	"paperclip/store"
)

var (
	mentionIDRe    = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	mentionTokenRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
)

// FuzzExtractMentions holds the comment markdown scanner to its contract on any
// body: it never panics; every id is a lower-case UUID written as an agent:// link in
// the body, every token a lower-case shortname written after an "@", neither repeats;
// and nothing inside a fenced code block is a mention. Seeds: testdata/fuzz/FuzzExtractMentions.
func FuzzExtractMentions(f *testing.F) {
	f.Fuzz(func(t *testing.T, body string) {
		ids, tokens := store.ExtractMentions(body)
		lower := strings.ToLower(body)
		seen := map[string]bool{}
		for _, id := range ids {
			if !mentionIDRe.MatchString(id) || seen["id:"+id] || !strings.Contains(lower, "](agent://"+id+")") {
				t.Fatalf("id %q (ids %q) of body %q", id, ids, body)
			}
			seen["id:"+id] = true
		}
		for _, tok := range tokens {
			if !mentionTokenRe.MatchString(tok) || seen["tok:"+tok] || !strings.Contains(lower, "@"+tok) {
				t.Fatalf("token %q (tokens %q) of body %q", tok, tokens, body)
			}
			seen["tok:"+tok] = true
		}
		if !strings.Contains(body, "```") && !strings.Contains(body, "~~~") {
			if ids, tokens := store.ExtractMentions("```\n" + body + "\n```"); len(ids)+len(tokens) != 0 {
				t.Fatalf("mentions %q %q inside a fenced block of %q", ids, tokens, body)
			}
		}
	})
}
