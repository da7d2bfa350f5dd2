package api

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// This file holds what stands between a request and the handlers: the Host check (DNS
// rebinding), the cross-origin check (other sites' pages posting to a user's server), the
// per-client rate limits and the cap on large bodies in flight.

// Guard wraps the server's whole route table (the app's pages as well as the API): it
// refuses a Host the server does not answer to (Config.Hosts) with 421, so that a page of
// another site whose name was rebound to this server's address cannot read its answers.
func (s *Server) Guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.hostAllowed(r.Host) {
			writeError(w, http.StatusMisdirectedRequest, "", "this server does not answer to the host %q (it answers to %s); set -base-url if it is reached under another name", clipText(r.Host), strings.Join(s.cfg.Hosts, ", "))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hostAllowed reports whether a request's Host is one of Config.Hosts (all of them when
// it is empty). An entry without a port allows that name on any port.
func (s *Server) hostAllowed(host string) bool {
	if len(s.cfg.Hosts) == 0 {
		return true
	}
	name, _, err := net.SplitHostPort(host)
	if err != nil {
		name = host
	}
	for _, h := range s.cfg.Hosts {
		if strings.EqualFold(h, host) || strings.EqualFold(strings.Trim(h, "[]"), strings.Trim(name, "[]")) {
			return true
		}
	}
	return false
}

// LoopbackHosts returns the Host values of a server listening on a loopback address with
// the given port: localhost, 127.0.0.1 and [::1] (browsers send these, and no DNS name
// another site controls).
func LoopbackHosts(port string) []string {
	return []string{"localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port}
}

// newCrossOrigin returns the check of unsafe methods (POST, DELETE) against other sites:
// a request a browser marks as cross-site (Sec-Fetch-Site), or whose Origin is neither
// this server's Host nor a trusted origin, is refused with 403.
func newCrossOrigin(trusted []string) (*http.CrossOriginProtection, error) {
	c := http.NewCrossOriginProtection()
	for _, o := range trusted {
		if err := c.AddTrustedOrigin(o); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// crossOriginDenied answers a request the cross-origin check refused.
func crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if origin == "" {
		origin = "a page of another site (Sec-Fetch-Site: " + r.Header.Get("Sec-Fetch-Site") + ")"
	}
	writeError(w, http.StatusForbidden, "", "cross-origin %s refused: the request came from %s, not from this server's own pages (an operator can allow an origin with -allow-origin)", r.Method, clipText(origin))
}

// OriginOf returns the origin (scheme://host[:port]) of an absolute URL.
func OriginOf(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	return u.Scheme + "://" + u.Host, nil
}

// clientKey is who a request counts against: its address, or the first 64 bits of an
// IPv6 address (one subscriber's usual share), from Config.ClientIP or the connection.
func (s *Server) clientKey(r *http.Request) string {
	ip := ""
	if s.cfg.ClientIP != nil {
		ip = s.cfg.ClientIP(r)
	}
	if ip == "" {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		ip = host
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// HeaderClientIP returns a Config.ClientIP that reads the client's address from a header
// set by a trusted proxy in front of the server (e.g. CF-Connecting-IP, or X-Forwarded-For,
// whose last entry is the one the nearest proxy added).
func HeaderClientIP(header string) func(*http.Request) string {
	return func(r *http.Request) string {
		v := r.Header.Values(header)
		if len(v) == 0 {
			return ""
		}
		last := v[len(v)-1]
		if i := strings.LastIndexByte(last, ','); i >= 0 {
			last = last[i+1:]
		}
		return strings.TrimSpace(last)
	}
}

// limiters holds each client's token buckets: one for every request, one for writes.
type limiters struct {
	mu      sync.Mutex
	clients map[string]*clientLimits
	swept   time.Time
}

type clientLimits struct {
	all, writes *rate.Limiter
	seen        time.Time
}

// allow takes a token for a request of client from its buckets; when there is none it
// returns how long to wait.
func (s *Server) allow(client string, write bool) (bool, time.Duration) {
	if s.cfg.RequestRate <= 0 && s.cfg.WriteRate <= 0 {
		return true, 0
	}
	l := &s.limits
	now := time.Now()
	l.mu.Lock()
	if l.clients == nil {
		l.clients = map[string]*clientLimits{}
	}
	// Forget clients idle long enough for their buckets to be full again.
	if len(l.clients) > 1024 && now.Sub(l.swept) > time.Minute {
		for k, c := range l.clients {
			if now.Sub(c.seen) > 10*time.Minute {
				delete(l.clients, k)
			}
		}
		l.swept = now
	}
	c := l.clients[client]
	if c == nil {
		c = &clientLimits{all: newLimiter(s.cfg.RequestRate, s.cfg.RequestBurst), writes: newLimiter(s.cfg.WriteRate, s.cfg.WriteBurst)}
		l.clients[client] = c
	}
	c.seen = now
	l.mu.Unlock()
	if !c.all.AllowN(now, 1) {
		return false, wait(c.all, now)
	}
	if write && !c.writes.AllowN(now, 1) {
		return false, wait(c.writes, now)
	}
	return true, 0
}

func newLimiter(perSecond float64, burst int) *rate.Limiter {
	if perSecond <= 0 {
		return rate.NewLimiter(rate.Inf, 0)
	}
	return rate.NewLimiter(rate.Limit(perSecond), max(burst, 1))
}

// wait is how long until the limiter has a token again.
func wait(l *rate.Limiter, now time.Time) time.Duration {
	r := l.ReserveN(now, 1)
	d := r.DelayFrom(now)
	r.CancelAt(now)
	return d
}

// rateLimited answers 429 with Retry-After.
func rateLimited(w http.ResponseWriter, retry time.Duration, write bool) {
	secs := int((retry + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	what := "requests"
	if write {
		what = "writes (new runs, shares, cancellations)"
	}
	writeError(w, http.StatusTooManyRequests, "", "too many %s from your address; try again in %d s", what, max(secs, 1))
}

// largeBody is the size from which a request body counts against Config.MaxLargeBodies.
const largeBody = 64 << 10

// takeLargeBody reserves a place for a large body in flight, or answers 503 and returns
// false. Every place taken must be given back with the function returned.
func (s *Server) takeLargeBody(w http.ResponseWriter, r *http.Request) (release func(), ok bool) {
	if r.ContentLength >= 0 && r.ContentLength < largeBody {
		return func() {}, true
	}
	select {
	case s.largeBodies <- struct{}{}:
		return func() { <-s.largeBodies }, true
	default:
		w.Header().Set("Retry-After", "2")
		writeError(w, http.StatusServiceUnavailable, "", "too many large uploads are in flight (%d); try again in a few seconds", cap(s.largeBodies))
		return nil, false
	}
}
