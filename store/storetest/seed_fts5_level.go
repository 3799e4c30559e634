package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// An FTS5 index is a log-structured merge tree: every flush writes a segment on level
// 0, and once a level holds enough segments FTS5 merges them into one on the level
// above, inside whichever write tips it. The seed's build flushes once, so its single
// segment (for the comments, a million texts' postings) sits on level 0, or on level 1
// after an optimize, and the server's next few dozen writes set off a merge that
// rewrites it: writes stalled for 10–18 s, and the load run's server peaked 15 MB
// higher and served 15 % fewer requests while the merges ran. An index that grew
// through the store, or the migration's backfill (many flushes, merges climbing the
// levels, then optimize), keeps its big segment high above the levels new writes fill:
// level 5 for the old seed's in-transaction build of a tenth of the company. So the
// build moves its one segment there, which only rewrites the index's structure record
// (the list of levels and their segments; the segment itself does not record its
// level) and costs nothing.

// seedSegmentLevel is the level the seeded index's one segment is put on.
const seedSegmentLevel = 5

// fts5StructureRowid is the _data row holding an FTS5 index's structure record.
const fts5StructureRowid = 10

// moveSegmentUp rewrites the structure record of the FTS5 table name in db so that
// its only segment is on seedSegmentLevel.
func moveSegmentUp(ctx context.Context, db *sql.DB, name string) error {
	var rec []byte
	if err := db.QueryRowContext(ctx, `SELECT block FROM `+name+`_data WHERE id = ?`, fts5StructureRowid).Scan(&rec); err != nil {
		return err
	}
	moved, err := structureOnLevel(rec, seedSegmentLevel)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	_, err = db.ExecContext(ctx, `UPDATE `+name+`_data SET block = ? WHERE id = ?`, moved, fts5StructureRowid)
	return err
}

// structureOnLevel returns the FTS5 structure record rec with its only segment moved to
// level: a 4-byte cookie, the 4-byte marker of the record's second version (the one a
// contentless_delete table writes), then varints: the number of levels, of segments,
// the write counter; per level the segments being merged and the segment count; per
// segment its id, first and last page, origin range, tombstone pages and entries and
// its entry count. Anything else (no segment, several, a merge under way, the first
// version) is refused rather than guessed at.
func structureOnLevel(rec []byte, level int) ([]byte, error) {
	const header = 8
	if len(rec) < header || rec[4] != 0xff || rec[5] != 0 || rec[6] != 0 || rec[7] != 1 {
		return nil, errors.New("fts5 structure: not a version-2 record")
	}
	r := varintReader{b: rec[header:]}
	nLevel, nSegment, writes := r.next(), r.next(), r.next()
	if nSegment != 1 {
		return nil, fmt.Errorf("fts5 structure: %d segments, want 1", nSegment)
	}
	var seg []uint64
	for range nLevel {
		merging, n := r.next(), r.next()
		if merging != 0 {
			return nil, errors.New("fts5 structure: a merge is under way")
		}
		for range n {
			for range 8 { // id, first page, last page, origin from, to, tombstone pages, entries, entries
				seg = append(seg, r.next())
			}
		}
	}
	if r.err != nil || len(r.b) != 0 || len(seg) != 8 {
		return nil, errors.New("fts5 structure: malformed record")
	}
	out := append([]byte{}, rec[:header]...)
	out = appendVarint(appendVarint(appendVarint(out, uint64(level+1)), 1), writes)
	for range level {
		out = append(out, 0, 0) // no merge, no segments
	}
	out = appendVarint(appendVarint(out, 0), 1)
	for _, v := range seg {
		out = appendVarint(out, v)
	}
	return out, nil
}

// varintReader reads SQLite's varints: big-endian groups of 7 bits, each byte but the
// last with its high bit set, and a ninth byte of 8 bits.
type varintReader struct {
	b   []byte
	err error
}

func (r *varintReader) next() uint64 {
	var v uint64
	for i := 0; i < 9; i++ {
		if len(r.b) == 0 {
			r.err = errors.New("short varint")
			return 0
		}
		c := r.b[0]
		r.b = r.b[1:]
		if i == 8 {
			return v<<8 | uint64(c)
		}
		v = v<<7 | uint64(c&0x7f)
		if c&0x80 == 0 {
			return v
		}
	}
	return v
}

// appendVarint appends v as SQLite's varint.
func appendVarint(b []byte, v uint64) []byte {
	if v>>56 != 0 {
		// Nine bytes: eight of 7 bits, then the low 8 bits whole.
		var tmp [9]byte
		tmp[8] = byte(v)
		v >>= 8
		for i := 7; i >= 0; i-- {
			tmp[i] = byte(v&0x7f) | 0x80
			v >>= 7
		}
		return append(b, tmp[:]...)
	}
	var tmp [8]byte
	n := 0
	for {
		tmp[n] = byte(v & 0x7f)
		n++
		v >>= 7
		if v == 0 {
			break
		}
	}
	for i := n - 1; i >= 0; i-- {
		c := tmp[i]
		if i > 0 {
			c |= 0x80
		}
		b = append(b, c)
	}
	return b
}
