package server

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"strings"
	"testing"
)

// bombZip is COMPANY.md plus n asset entries of size zero bytes each, compressed once
// and written raw n times.
func bombZip(t *testing.T, n, size int) []byte {
	t.Helper()
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(make([]byte, size))
	fw.Close()
	crc := crc32.ChecksumIEEE(make([]byte, size))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("COMPANY.md")
	w.Write([]byte("---\nname: Bomb\n---\n"))
	for i := 0; i < n; i++ {
		raw, err := zw.CreateRaw(&zip.FileHeader{Name: fmt.Sprintf("assets/logo%d.png", i), Method: zip.Deflate,
			CRC32: crc, CompressedSize64: uint64(comp.Len()), UncompressedSize64: uint64(size)})
		if err != nil {
			t.Fatal(err)
		}
		raw.Write(comp.Bytes())
	}
	zw.Close()
	return buf.Bytes()
}

// TestZipBombStopsAtTheTotalLimit: entries each under their own limit whose inflated
// sum passes the package limit are refused while inflating. The limits are scaled
// down (the real ones are 256 MiB total) so the test inflates a few MiB.
func TestZipBombStopsAtTheTotalLimit(t *testing.T) {
	lim := zipLimits{files: 100, text: 1 << 10, asset: 1 << 20, total: 4 << 20}
	z := bombZip(t, 8, 1<<20)
	if _, err := readZipLimited(z, lim); err == nil || !strings.HasPrefix(err.Error(), "unprocessable: Package too large") {
		t.Fatalf("bomb: %v", err)
	}
	if _, err := readZipLimited(bombZip(t, 3, 1<<20), lim); err != nil {
		t.Fatalf("a package under the limit: %v", err)
	}
	if _, err := readZipLimited(bombZip(t, 1, 1<<20+1), lim); err == nil || !strings.Contains(err.Error(), "Package file too large: assets/logo0.png") {
		t.Fatalf("one oversized entry: %v", err)
	}
	lim.files = 3
	if _, err := readZipLimited(bombZip(t, 3, 10), lim); err == nil || !strings.Contains(err.Error(), "too many files") {
		t.Fatalf("too many entries: %v", err)
	}
}
