package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tailscope/tailscope/sim/sweep"
)

// sweepMain is `tailscope sweep`: it shows a sweep's size and estimated cost, and with -server
// runs it on a server and waits for it, printing progress, then the runs' results as JSON.
func sweepMain(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sweep", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", "", "URL of a Tailscope server to run the sweep on, e.g. http://localhost:8080; empty: only estimate")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: tailscope sweep [-server URL] SWEEP\n\nSWEEP is a preset (%s), a sweep as JSON, or a URL query such as\n'kind=mlp&dataset=blobs&width=16,32,64&depth=2,3&seeds=1,2'.\n", strings.Join(sweep.PresetNames(), ", "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	sw, err := sweep.ParseArg(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "tailscope sweep: %v\n", err)
		return 2
	}
	for _, c := range sw.Estimate() {
		fmt.Fprintf(stderr, "%s\n", c)
	}
	if err := sw.Validate(); err != nil {
		fmt.Fprintf(stderr, "tailscope sweep: refused: %v\n", err)
		return 1
	}
	if *server == "" {
		fmt.Fprintf(stdout, "%s\n", sw.Encode())
		return 0
	}
	st, err := runRemoteSweep(ctx, strings.TrimSuffix(*server, "/"), sw, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "tailscope sweep: %v\n", err)
		if st.ID != "" {
			fmt.Fprintf(stderr, "the sweep goes on on the server: GET %s/api/sweeps/%s, cancel with DELETE\n", *server, st.ID)
		}
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.Encode(st)
	if st.Counts["done"] != len(st.Runs) {
		return 1
	}
	return 0
}

// runRemoteSweep submits sw to the server at base and polls it until it is finished.
func runRemoteSweep(ctx context.Context, base string, sw sweep.Sweep, progress io.Writer) (sweep.Status, error) {
	body, _ := json.Marshal(sw)
	var created struct{ ID string }
	if err := callJSON(ctx, http.MethodPost, base+"/api/sweeps", body, http.StatusAccepted, &created); err != nil {
		return sweep.Status{}, err
	}
	fmt.Fprintf(progress, "sweep %s: %d runs submitted to %s\n", created.ID, sw.Count(), base)
	last := ""
	for {
		var st sweep.Status
		if err := callJSON(ctx, http.MethodGet, base+"/api/sweeps/"+created.ID, nil, http.StatusOK, &st); err != nil {
			return sweep.Status{ID: created.ID}, err
		}
		line := fmt.Sprintf("done %d, running %d, queued %d, failed %d, cancelled %d", st.Counts["done"], st.Counts["running"], st.Counts["queued"], st.Counts["failed"], st.Counts["cancelled"])
		if line != last {
			fmt.Fprintf(progress, "%s %s\n", time.Now().Format("15:04:05"), line)
			last = line
		}
		if st.Finished {
			var full sweep.Status
			err := callJSON(ctx, http.MethodGet, base+"/api/sweeps/"+created.ID+"?results=1", nil, http.StatusOK, &full)
			return full, err
		}
		select {
		case <-ctx.Done():
			return sweep.Status{ID: created.ID}, ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}

func callJSON(ctx context.Context, method, url string, body []byte, want int, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, bytes.TrimSpace(b))
	}
	return json.NewDecoder(resp.Body).Decode(out)
}
