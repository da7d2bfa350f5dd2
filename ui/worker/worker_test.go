package worker

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/tailscope/tailscope/sim/spec"
)

func init() {
	Handle("test-upper", func(ctx context.Context, in []byte, report spec.Reporter) ([]byte, error) {
		report.Report(spec.Progress{Fraction: 0.5, Message: "half"})
		if string(in) == "fail" {
			return nil, errors.New("test-upper: asked to fail")
		}
		return []byte(strings.ToUpper(string(in))), nil
	})
}

func TestRun(t *testing.T) {
	var got []spec.Progress
	out, err := Run(context.Background(), "test-upper", []byte("abc"), func(p spec.Progress) { got = append(got, p) })
	if err != nil || string(out) != "ABC" {
		t.Errorf(`Run("test-upper", "abc") = %q, %v; want "ABC", nil`, out, err)
	}
	if len(got) != 1 || got[0].Fraction != 0.5 || got[0].Message != "half" {
		t.Errorf("progress: got %+v, want one report {0.5 half}", got)
	}
	if _, err := Run(context.Background(), "test-upper", []byte("fail"), nil); err == nil || !strings.Contains(err.Error(), "asked to fail") {
		t.Errorf(`Run("fail"): err = %v, want the handler's error`, err)
	}
	if _, err := Run(context.Background(), "no-such-job", nil, nil); err == nil || !strings.Contains(err.Error(), `"no-such-job"`) {
		t.Errorf("unknown job: err = %v, want one naming the job", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, "test-upper", []byte("x"), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v, want context.Canceled", err)
	}
	if !slices.Contains(Jobs(), "test-upper") {
		t.Errorf("Jobs() = %v, want it to list test-upper", Jobs())
	}
	if IsWorker() {
		t.Error("IsWorker() is true outside a Web Worker")
	}
}

func TestHandleTwicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("registering test-upper twice did not panic")
		}
	}()
	Handle("test-upper", nil)
}
