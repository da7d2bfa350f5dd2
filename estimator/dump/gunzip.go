//go:build !js

package dump

import (
	"compress/gzip"
	"io"
)

// gunzip inflates r, a gzip stream of one or more members (as `cat a.gz b.gz` makes).
func gunzip(r io.Reader) (io.Reader, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	zr.Multistream(true)
	return zr, nil
}
