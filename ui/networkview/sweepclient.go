package networkview

import "context"

// JSON makes one request of the server's JSON API: body (if not nil) is sent as JSON and the
// answer decoded into out (a *[]byte takes it raw); hdr are header names and values in pairs.
// Error answers become *APIError. Other views (the Paper view's sweeps) talk to the API with it.
func (c *Client) JSON(ctx context.Context, method, path string, body, out any, hdr ...string) error {
	return c.do(ctx, method, path, body, out, hdr...)
}
