package main

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestByteSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		err  bool
	}{
		{"0", 0, false}, {"2GiB", 2 << 30, false}, {"500MiB", 500 << 20, false}, {"500MB", 500 << 20, false},
		{"1.5G", 3 << 29, false}, {"64k", 64 << 10, false}, {"123", 123, false}, {"10 TiB", 10 << 40, false},
		{"", 0, true}, {"-1GiB", 0, true}, {"lots", 0, true}, {"1e30", 0, true}, {"5 PB", 0, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			var b byteSize
			err := b.Set(tc.in)
			if (err != nil) != tc.err || (!tc.err && int64(b) != tc.want) {
				t.Errorf("Set(%q) = %d, %v; want %d, error %v", tc.in, b, err, tc.want, tc.err)
			}
		})
	}
	if b := byteSize(2 << 30); b.String() != "2GiB" {
		t.Errorf("String of 2 GiB = %q", b.String())
	}
}

// TestHosts checks the Host values the server answers to for each kind of -addr and -base-url.
func TestHosts(t *testing.T) {
	for _, tc := range []struct {
		name, addr, base string
		want             string // strings.Join of the hosts; "" for any
	}{
		{"loopback", "localhost:8080", "", "localhost:8080 127.0.0.1:8080 [::1]:8080"},
		{"loopback IP", "127.0.0.1:0", "", "localhost:8080 127.0.0.1:8080 [::1]:8080"},
		{"all interfaces", ":8080", "", ""},
		{"all interfaces with a base URL", "0.0.0.0:8080", "https://t.example", "t.example t.example localhost:8080 127.0.0.1:8080 [::1]:8080"},
		{"base URL with a port", "localhost:8080", "https://t.example:8443", "t.example:8443 t.example localhost:8080 127.0.0.1:8080 [::1]:8080"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := defaultOptions()
			o.addr, o.baseURL = tc.addr, tc.base
			if got := strings.Join(o.hosts("8080"), " "); got != tc.want {
				t.Errorf("hosts = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestLimitListener checks that a connection beyond the cap is answered 503 at once and
// that a closed connection frees its place.
func TestLimitListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })}
	go srv.Serve(limitListener(ln, 2))
	defer srv.Close()
	addr := ln.Addr().String()
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	status := func(c net.Conn) string {
		c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		line, _ := bufio.NewReader(c).ReadString('\n')
		return strings.TrimSpace(line)
	}
	a, b := dial(), dial()
	time.Sleep(50 * time.Millisecond) // both accepted
	c := dial()
	if got := status(c); got != "HTTP/1.1 503 Service Unavailable" {
		t.Errorf("a third connection with a cap of 2: %q, want 503", got)
	}
	c.Close()
	if got := status(a); got != "HTTP/1.1 200 OK" {
		t.Errorf("a connection within the cap: %q", got)
	}
	a.Close()
	b.Close()
	time.Sleep(50 * time.Millisecond)
	d := dial()
	defer d.Close()
	if got := status(d); got != "HTTP/1.1 200 OK" {
		t.Errorf("after two closed, a new connection: %q, want 200", got)
	}
}
