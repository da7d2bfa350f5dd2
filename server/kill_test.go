package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startBinary starts the server binary on a random loopback port with the data directory
// dir and returns its base URL and process.
func startBinary(t *testing.T, bin, dir string) (string, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-data", dir, "-workers", "1", "-grace", "500ms", "-rate", "0", "-write-rate", "0")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	urlc := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`running at (http://\S+?)/? `)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- strings.TrimSuffix(m[1], "/")
			}
		}
	}()
	select {
	case u := <-urlc:
		return u, cmd
	case <-time.After(2 * time.Minute):
		t.Fatal("the server did not say where it listens within 2 minutes")
	}
	return "", nil
}

func postJSON(c *http.Client, url, body string) (int, []byte, error) {
	resp, err := c.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// TestKillDurability starts the server as a process, writes shares from several clients, kills the
// process with SIGKILL in the middle of the writes, restarts it on the same data
// directory and checks that every share the server acknowledged (201) is there, and that
// a run that was running is resumed rather than lost.
func TestKillDurability(t *testing.T) {
	t.Parallel()
	bin := tailscopeBinary(t)
	dir := filepath.Join(t.TempDir(), "data")
	base, cmd := startBinary(t, bin, dir)
	client := &http.Client{Timeout: 10 * time.Second}

	// A run long enough to be running when the process dies.
	code, body, err := postJSON(client, base+"/api/runs", `{"kind":"mlp","seed":3,"params":{"dataset":"blobs","n":1000,"testN":100,"width":64,"iters":1000000,"evalEvery":1000000}}`)
	if err != nil || code != http.StatusAccepted {
		t.Fatalf("POST /api/runs: %d %s %v", code, body, err)
	}
	var run struct{ ID, CancelToken string }
	json.Unmarshal(body, &run)

	// Writers post shares until the process dies; acked maps each acknowledged id to its seed.
	var (
		mu    sync.Mutex
		acked = map[string]int{}
		wg    sync.WaitGroup
	)
	const writers = 8
	for w := range writers {
		wg.Go(func() {
			for i := 0; ; i++ {
				seed := w*1_000_000 + i
				code, body, err := postJSON(client, base+"/api/shares", fmt.Sprintf(`{"spec":{"kind":"stable","seed":%d},"result":{"i":%d}}`, seed, i))
				if err != nil {
					return // the server is gone
				}
				if code != http.StatusCreated {
					t.Errorf("POST /api/shares: %d %s", code, body)
					return
				}
				var sh struct{ ID string }
				json.Unmarshal(body, &sh)
				mu.Lock()
				acked[sh.ID] = seed
				mu.Unlock()
			}
		})
	}
	// Kill once a few hundred shares are acknowledged, while the writers are still writing.
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 300 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	wg.Wait()
	t.Logf("%d shares acknowledged before SIGKILL", len(acked))
	if len(acked) == 0 {
		t.Fatal("no share was acknowledged before the kill")
	}

	base, cmd = startBinary(t, bin, dir)
	missing := 0
	for id, seed := range acked {
		resp, err := client.Get(base + "/api/shares/" + id)
		if err != nil {
			t.Fatal(err)
		}
		var sh struct{ Spec struct{ Seed int } }
		err = json.NewDecoder(resp.Body).Decode(&sh)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err != nil || sh.Spec.Seed != seed {
			missing++
			if missing <= 5 {
				t.Errorf("acknowledged share %s (seed %d): %d, seed %d, %v after the restart", id, seed, resp.StatusCode, sh.Spec.Seed, err)
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged shares lost", missing, len(acked))
	}

	// The run was running when the process died: it is queued or running again, not lost.
	resp, err := client.Get(base + "/api/runs/" + run.ID)
	if err != nil {
		t.Fatal(err)
	}
	var rv struct{ State, Message string }
	json.NewDecoder(resp.Body).Decode(&rv)
	resp.Body.Close()
	if rv.State != "queued" && rv.State != "running" {
		t.Errorf("run %s after the restart: state %q message %q, want it resumed (queued or running)", run.ID, rv.State, rv.Message)
	}

	// A graceful stop (SIGTERM) ends the process cleanly soon after the grace period (the
	// run cannot finish in it), and the interrupted run is still there to resume.
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("server exit after SIGTERM: %v, want a clean exit", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not exit within 15 s of SIGTERM (grace 0.5 s)")
	}
	base, _ = startBinary(t, bin, dir)
	del := func(token string) (int, []byte, error) {
		req, _ := http.NewRequestWithContext(context.Background(), "DELETE", base+"/api/runs/"+run.ID, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, b, err
	}
	if code, body, _ = del(""); code != http.StatusForbidden {
		t.Errorf("DELETE without the cancel token: %d %s, want 403", code, body)
	}
	// The token signed before two restarts still works: the key is kept in the database.
	if code, body, _ = del(run.CancelToken); code != http.StatusOK || !bytes.Contains(body, []byte(`"state":"cancelled"`)) {
		t.Errorf("DELETE of the resumed run after a graceful restart: %d %s, want 200 cancelled", code, body)
	}
}
