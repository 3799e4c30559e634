package store

import "testing"

// TestVerifyPasswordRefusesMalformedHashes: a stored value that is not
// "<salt>:<64-byte key hex>" never matches, and salts are fresh per hash.
func TestVerifyPasswordRefusesMalformedHashes(t *testing.T) {
	const n = 1024 // the format is under test here, not the cost
	h, err := hashPassword("s3cret-pass", n)
	if err != nil {
		t.Fatal(err)
	}
	if h2, _ := hashPassword("s3cret-pass", n); h2 == h {
		t.Fatal("salt not random")
	}
	salt, key := h[:32], h[33:]
	for _, bad := range []string{"", "nohash", salt + ":" + key[:10], ":" + key, salt + key, dummyPasswordHash} {
		if verifyPassword("s3cret-pass", bad, n) {
			t.Fatalf("malformed hash %q matched", bad)
		}
	}
	if !verifyPassword("s3cret-pass", h, n) || verifyPassword("s3cret-pas", h, n) {
		t.Fatal("own hash")
	}
}
