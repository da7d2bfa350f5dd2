package engine

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Embedded is a NATS server with JetStream running in this process.
type Embedded struct {
	Server *server.Server
	URL    string // nats://host:port, for workers on other processes (without the token)
	// Token is what every client must present (nats.Token, TAILSCOPE_NATS_TOKEN for `tailscope
	// worker`, or the URL form nats://TOKEN@host:port); it is kept in TokenPath.
	Token     string
	TokenPath string
}

// TokenFile is the file, in the data directory, that holds the embedded NATS server's token.
const TokenFile = "nats-token"

// TokenEnv is the environment variable from which `tailscope worker` (and the server, for
// -nats) read a NATS token.
const TokenEnv = "TAILSCOPE_NATS_TOKEN"

// LoadToken returns the token kept in dir/nats-token, creating it on first use: 32 random
// bytes in URL-safe base64, in a file only its owner may read (0600). A file that others may
// read is made private again: the token is what keeps other users of the machine (and, with
// -nats-listen beyond loopback, of the network) from taking or forging runs.
func LoadToken(dir string) (token, path string, err error) {
	path = filepath.Join(dir, TokenFile)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", path, fmt.Errorf("the NATS token's directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		b := make([]byte, 32)
		rand.Read(b)
		token = base64.RawURLEncoding.EncodeToString(b)
		_, werr := f.WriteString(token + "\n")
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(path)
			return "", path, fmt.Errorf("writing the NATS token %s: %w", path, werr)
		}
		return token, path, nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return "", path, fmt.Errorf("creating the NATS token %s: %w", path, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return "", path, fmt.Errorf("the NATS token %s: %w", path, err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil {
			return "", path, fmt.Errorf("the NATS token %s may be read by others (mode %v) and cannot be made private: %w", path, info.Mode().Perm(), err)
		}
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return "", path, fmt.Errorf("reading the NATS token %s: %w", path, err)
	}
	token = strings.TrimSpace(string(text))
	if len(token) < 16 || strings.ContainsAny(token, " \t\n@/:") {
		return "", path, fmt.Errorf("the NATS token %s is not a token (16 or more characters, no spaces, '@', '/' or ':'); delete it to have a new one made, and give workers the new one", path)
	}
	return token, path, nil
}

// StartEmbedded starts a NATS server with JetStream that keeps its files under dir/jetstream and
// listens on listen (host:port; port 0 picks a free one). If the port is taken, a free port is
// used instead and said so in the returned URL. Every client must present the token kept in
// dir/nats-token (LoadToken), so that nothing else on the machine or network reaches the work
// queue. Every write is synced to disk before it is acknowledged, so an accepted run survives a
// crash of the machine, not only of the process.
func StartEmbedded(dir, listen string) (*Embedded, error) {
	token, tokenPath, err := LoadToken(dir)
	if err != nil {
		return nil, err
	}
	host, portText, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, fmt.Errorf("-nats-listen %q: want host:port, e.g. 127.0.0.1:4222: %w", listen, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 0 || port > 65535 {
		return nil, fmt.Errorf("-nats-listen %q: the port must be a number in 0 … 65535", listen)
	}
	if port == 0 {
		port = -1 // nats-server's "any free port"
	} else if ln, err := net.Listen("tcp", listen); err != nil {
		if !errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("NATS cannot listen on %s: %w", listen, err)
		}
		port = -1
	} else {
		ln.Close()
	}
	opts := &server.Options{
		ServerName: "tailscope",
		Host:       host,
		Port:       port,
		JetStream:  true,
		StoreDir:   filepath.Join(dir, "jetstream"),
		NoSigs:     true,
		NoLog:      true,
		SyncAlways: true,
		// Token authentication: the one secret a worker needs, kept in the data directory.
		Authorization: token,
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("starting the embedded NATS server: %w", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(30 * time.Second) {
		ns.Shutdown()
		return nil, errors.New("the embedded NATS server was not ready within 30 s")
	}
	return &Embedded{Server: ns, URL: ns.ClientURL(), Token: token, TokenPath: tokenPath}, nil
}

// Connect connects to the embedded server in-process (no socket).
func (e *Embedded) Connect(name string) (*nats.Conn, error) {
	return nats.Connect(e.URL, nats.InProcessServer(e.Server), nats.Name(name), nats.MaxReconnects(-1), nats.Token(e.Token))
}

// Close stops the embedded server, after the connections using it.
func (e *Embedded) Close() {
	e.Server.Shutdown()
	e.Server.WaitForShutdown()
}

// Credentials are what a client presents to NATS, besides any in the URL (nats://TOKEN@host,
// nats://user:password@host), which NATS reads itself.
type Credentials struct {
	Token     string // a token (the embedded server's, in its data directory's nats-token)
	CredsFile string // a user JWT and nkey seed file (.creds), for a cluster with decentralised auth
	NkeyFile  string // an nkey seed file (a cluster with nkey users)
}

func (c Credentials) options() ([]nats.Option, error) {
	var opts []nats.Option
	if c.Token != "" {
		opts = append(opts, nats.Token(c.Token))
	}
	if c.CredsFile != "" {
		opts = append(opts, nats.UserCredentials(c.CredsFile))
	}
	if c.NkeyFile != "" {
		o, err := nats.NkeyOptionFromSeed(c.NkeyFile)
		if err != nil {
			return nil, fmt.Errorf("the nkey seed %s: %w", c.NkeyFile, err)
		}
		opts = append(opts, o)
	}
	return opts, nil
}

// Dial connects to the NATS servers at urls (comma-separated) with creds, reconnecting for
// ever: a worker outlives restarts of the server it talks to. A server that refuses the
// credentials (or their absence) is an error saying so.
func Dial(urls, name string, creds Credentials) (*nats.Conn, error) {
	opts, err := creds.options()
	if err != nil {
		return nil, err
	}
	opts = append(opts, nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(500*time.Millisecond),
		nats.RetryOnFailedConnect(false))
	nc, err := nats.Connect(urls, opts...)
	if err != nil {
		if errors.Is(err, nats.ErrAuthorization) || strings.Contains(strings.ToLower(err.Error()), "authorization") {
			return nil, fmt.Errorf("NATS at %s refused this client's credentials (a Tailscope server's embedded NATS wants the token in its data directory's %s: set %s, or use -nats nats://TOKEN@host:port): %w", RedactURL(urls), TokenFile, TokenEnv, err)
		}
		return nil, fmt.Errorf("connecting to NATS at %s: %w", RedactURL(urls), err)
	}
	return nc, nil
}

// RedactURL hides the credentials of NATS URLs (comma-separated), for messages and logs.
func RedactURL(urls string) string {
	parts := strings.Split(urls, ",")
	for i, p := range parts {
		u, err := url.Parse(strings.TrimSpace(p))
		if err != nil || u.User == nil {
			continue
		}
		u.User = url.User("REDACTED")
		parts[i] = u.String()
	}
	return strings.Join(parts, ",")
}

// Setup configures what the engine needs in JetStream: the streams, the consumers of the
// backends, and the buckets. It is idempotent, and run by the server at every start.
type Setup struct {
	Replicas   int           // 1 on one server; 3 on a cluster (0: 3 if the connection reports a cluster, else 1)
	AckWait    time.Duration // a delivery not acked or extended for this long is redelivered; 0: 30 s
	MaxAttempt int           // deliveries of a run before it fails; 0: 3
	Backends   []string      // consumers to create; nil: the default backend
}

func (s *Setup) defaults(nc *nats.Conn) {
	if s.Replicas <= 0 {
		s.Replicas = 1
		if nc.ConnectedClusterName() != "" {
			s.Replicas = 3
		}
	}
	if s.AckWait <= 0 {
		s.AckWait = 30 * time.Second
	}
	if s.MaxAttempt <= 0 {
		s.MaxAttempt = 3
	}
	if len(s.Backends) == 0 {
		s.Backends = []string{DefaultBackend}
	}
}

// resources are the JetStream handles the engine and the workers use.
type resources struct {
	js      jetstream.JetStream
	results jetstream.ObjectStore
	stops   jetstream.KeyValue
	sweeps  jetstream.KeyValue
}

// apply creates or updates the streams, consumers and buckets.
func (s Setup) apply(ctx context.Context, nc *nats.Conn) (*resources, error) {
	s.defaults(nc)
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	storage := jetstream.FileStorage
	if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: WorkStream, Subjects: []string{workPrefix + "*"}, Retention: jetstream.WorkQueuePolicy,
		Storage: storage, Replicas: s.Replicas, Duplicates: 24 * time.Hour,
		Description: "Tailscope runs waiting for a worker, one subject per backend",
	}); err != nil {
		return nil, fmt.Errorf("creating stream %s: %w", WorkStream, err)
	}
	if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: EventStream, Subjects: []string{eventPrefix + "*"}, Retention: jetstream.WorkQueuePolicy,
		Storage: storage, Replicas: s.Replicas, Duplicates: time.Hour,
		Description: "How Tailscope runs started and ended, for the server to record",
	}); err != nil {
		return nil, fmt.Errorf("creating stream %s: %w", EventStream, err)
	}
	for _, b := range s.Backends {
		if _, err := js.CreateOrUpdateConsumer(ctx, WorkStream, jetstream.ConsumerConfig{
			Durable: workersPrefix + b, FilterSubject: workPrefix + b, AckPolicy: jetstream.AckExplicitPolicy,
			AckWait: s.AckWait, MaxDeliver: s.MaxAttempt + 1, MaxAckPending: -1, Replicas: s.Replicas,
			Description: "the workers of backend " + b + "; a delivery past MaxAttempt is failed by the worker that gets it",
		}); err != nil {
			return nil, fmt.Errorf("creating the consumer of backend %s: %w", b, err)
		}
	}
	if _, err := js.CreateOrUpdateConsumer(ctx, EventStream, jetstream.ConsumerConfig{
		Durable: recorderName, AckPolicy: jetstream.AckExplicitPolicy, AckWait: 30 * time.Second,
		MaxAckPending: 256, Replicas: s.Replicas,
	}); err != nil {
		return nil, fmt.Errorf("creating the recorder consumer: %w", err)
	}
	return open(ctx, js, &s)
}

// open binds the buckets, creating them when setup is not nil.
func open(ctx context.Context, js jetstream.JetStream, setup *Setup) (*resources, error) {
	r := &resources{js: js}
	var err error
	if setup != nil {
		r.results, err = js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: ResultBucket, Storage: jetstream.FileStorage, Replicas: setup.Replicas})
	} else {
		r.results, err = js.ObjectStore(ctx, ResultBucket)
	}
	if err != nil {
		return nil, fmt.Errorf("object store %s: %w", ResultBucket, err)
	}
	for _, b := range []struct {
		name string
		kv   *jetstream.KeyValue
	}{{StopBucket, &r.stops}, {SweepBucket, &r.sweeps}} {
		if setup != nil {
			*b.kv, err = js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: b.name, Storage: jetstream.FileStorage, Replicas: setup.Replicas})
		} else {
			*b.kv, err = js.KeyValue(ctx, b.name)
		}
		if err != nil {
			return nil, fmt.Errorf("key-value bucket %s: %w", b.name, err)
		}
	}
	return r, nil
}
