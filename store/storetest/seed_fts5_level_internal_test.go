package storetest

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// The structure record of a seeded comment index (one segment on level 1, as FTS5
// wrote it) moved to level 5 must read as FTS5 writes such a record: the same cookie,
// counters and segment, with the levels below empty. The expected bytes are those of
// the old seed's in-transaction build (its segment on level 5) with this one's
// counters and segment.
func TestStructureOnLevel(t *testing.T) {
	rec, _ := hex.DecodeString("00000001ff0000010201b10b000000010301b10f01020000868d20")
	want, _ := hex.DecodeString("00000001ff0000010601b10b" + "00000000000000000000" + "00010301b10f01020000868d20")
	got, err := structureOnLevel(rec, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("moved record\n got %x\nwant %x", got, want)
	}
	for _, bad := range []string{
		"00000001ff0000010101b10b0001",                               // cut short
		"00000001ff000001020200000002030101010000010401010100000001", // two segments
		"00000001000000010101b10b000103010101010000",                 // not version 2
	} {
		b, _ := hex.DecodeString(bad)
		if _, err := structureOnLevel(b, 5); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
	for _, v := range []uint64{0, 1, 127, 128, 16383, 16384, 1 << 32, 1<<56 - 1, 1 << 56, 1<<64 - 1} {
		r := varintReader{b: appendVarint(nil, v)}
		if got := r.next(); got != v || r.err != nil || len(r.b) != 0 {
			t.Errorf("varint %d: read back %d (%v, %d left)", v, got, r.err, len(r.b))
		}
	}
}
