//go:build !(js && wasm)

package networkview

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
)

// roundTrip makes one HTTP request with net/http and returns the status and the body.
func roundTrip(ctx context.Context, method, url string, body []byte, hdr map[string]string) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxAnswer))
	if err != nil {
		return 0, nil, fmt.Errorf("reading the answer: %w", err)
	}
	return resp.StatusCode, b, nil
}

// cachedGet fetches url's body, failing on an error status (natively there is no cache
// but HTTP's own, which net/http's client does not keep).
func cachedGet(ctx context.Context, url string) ([]byte, error) {
	return getBody(ctx, url)
}
