package server

import (
	"archive/zip"
	"bytes"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"paperclip/store"
)

// maxAssetFile bounds a binary package file (the logo).
const maxAssetFile = store.DefaultAttachmentMaxBytes

// zipLimits bounds what a zip may inflate to.
type zipLimits struct {
	files       int
	text, asset int64
	total       int64
}

// packageZipLimits are the limits of every import.
var packageZipLimits = zipLimits{files: store.MaxPackageFiles, text: store.MaxPackageTextFile, asset: maxAssetFile,
	total: store.MaxPackageBytes}

// readZipPackage reads a zip into a file map under packageZipLimits.
func readZipPackage(data []byte) (store.PackageFiles, error) {
	return readZipLimited(data, packageZipLimits)
}

// readZipLimited reads a zip into a file map. Sizes are checked on the bytes actually
// inflated, never on the headers' claims, so a zip bomb stops at the first byte over
// the limit; symlinks, unsafe names and names that collide are refused.
func readZipLimited(data []byte, lim zipLimits) (store.PackageFiles, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errorf(store.EUNPROCESSABLE, "Invalid zip archive")
	}
	if len(zr.File) > lim.files {
		return nil, errorf(store.EUNPROCESSABLE, "Package has too many files (max %d)", lim.files)
	}
	files := store.PackageFiles{}
	var total int64
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") && f.UncompressedSize64 == 0 {
			continue // a directory entry
		}
		if f.Mode()&fs.ModeSymlink != 0 || !f.Mode().IsRegular() {
			return nil, errorf(store.EUNPROCESSABLE, "Invalid package path: %s", f.Name)
		}
		if err := store.CheckPackagePath(f.Name); err != nil {
			return nil, err
		}
		if _, dup := files[f.Name]; dup {
			return nil, errorf(store.EUNPROCESSABLE, "Invalid package path: %s (duplicate)", f.Name)
		}
		binary := isAssetPath(f.Name)
		limit := lim.text
		if binary {
			limit = lim.asset
		}
		// Never inflate past what the whole package may still hold.
		byTotal := false
		if rest := lim.total - total; limit > rest {
			limit, byTotal = rest, true
		}
		rc, err := f.Open()
		if err != nil {
			return nil, errorf(store.EUNPROCESSABLE, "Invalid zip entry: %s", f.Name)
		}
		b, err := io.ReadAll(io.LimitReader(rc, limit+1))
		rc.Close()
		if err != nil {
			return nil, errorf(store.EUNPROCESSABLE, "Invalid zip entry: %s", f.Name)
		}
		if int64(len(b)) > limit {
			if byTotal {
				return nil, errorf(store.EUNPROCESSABLE, "Package too large (max %d bytes uncompressed)", lim.total)
			}
			return nil, errorf(store.EUNPROCESSABLE, "Package file too large: %s", f.Name)
		}
		total += int64(len(b))
		if binary {
			files[f.Name] = store.PackageFile{Data: b, Binary: true, ContentType: mime.TypeByExtension(path.Ext(f.Name))}
			continue
		}
		if !utf8.Valid(b) {
			return nil, errorf(store.EUNPROCESSABLE, "Package file is not UTF-8 text: %s", f.Name)
		}
		files[f.Name] = store.TextFile(string(b))
	}
	return files, nil
}

// isAssetPath: only assets/ (a folder at the package root, possibly under rootPath)
// holds binary files.
func isAssetPath(p string) bool {
	parts := strings.Split(p, "/")
	return len(parts) >= 2 && parts[len(parts)-2] == "assets"
}

// writePackageZip answers an export as a zip, entries under <rootPath>/, in path order
// with one fixed time so the same package always zips to the same bytes.
func writePackageZip(w http.ResponseWriter, ex store.Export, now time.Time) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	stamp := now.UTC().Truncate(time.Second)
	for _, p := range ex.Files.Paths() {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: ex.RootPath + "/" + p, Method: zip.Deflate, Modified: stamp})
		if err == nil {
			_, err = fw.Write(ex.Files[p].Bytes())
		}
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, errorBody{Error: "Internal server error"})
			return
		}
	}
	zw.Close()
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+ex.RootPath+"-"+stamp.Format("20060102")+`.zip"`)
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}
