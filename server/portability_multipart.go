package server

import (
	"errors"
	"io"
	"net/http"

	"paperclip/store"
)

// decodeMultipartImport reads a multipart import: the zip in part "package" and the
// rest of the body as JSON in part "meta".
func decodeMultipartImport(w http.ResponseWriter, r *http.Request, in *store.ImportInput) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxPackageBody)
	mr, err := r.MultipartReader()
	if err != nil {
		return errorf(store.EINVALID, "Invalid multipart body")
	}
	var pkg []byte
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return multipartError(err)
		}
		b, err := io.ReadAll(part)
		if err != nil {
			return multipartError(err)
		}
		switch part.FormName() {
		case "package":
			pkg = b
		case "meta":
			if err := decodeJSONObject(b, in, false); err != nil {
				return err
			}
		}
	}
	if pkg == nil {
		return errorf(store.EINVALID, "Missing multipart field: package")
	}
	return zipSource(in, pkg)
}

func multipartError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return errorf(store.ETOOLARGE, "Request body too large")
	}
	if errors.Is(err, errBodyTimeout) {
		return err
	}
	return errorf(store.EINVALID, "Invalid multipart body")
}
