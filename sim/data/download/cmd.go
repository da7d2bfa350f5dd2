package download

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/tailscope/tailscope/sim/data"
)

// Main is the `tailscope data` command:
//
//	tailscope data [list] [-data DIR]              which downloadable sets are present
//	tailscope data get [-data DIR] cifar10|cifar100 ...
//
// -data defaults to sim/data's DefaultDir, which the server's -data flag defaults to as well.
func Main(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	sub := "list"
	if len(args) > 0 && (args[0] == "get" || args[0] == "list") {
		sub, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("tailscope data "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("data", data.DefaultDir(), "the data directory (the server's -data)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tailscope data get [-data DIR] cifar10|cifar100 ...   download, verify and unpack a set")
		fmt.Fprintln(stderr, "       tailscope data list [-data DIR]                       which sets are present")
		fs.PrintDefaults()
	}
	var names []string // flags may also follow the names: get cifar10 -data DIR
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return 0
			}
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		names, args = append(names, fs.Arg(0)), fs.Args()[1:]
	}
	if sub == "list" {
		if len(names) > 0 {
			fs.Usage()
			return 2
		}
		for _, src := range Sources {
			c := src.Set
			if trainN, testN, err := c.Present(*dir); err == nil {
				fmt.Fprintf(stdout, "%-9s present: %d training and %d test examples in %s\n", c.Name, trainN, testN, filepath.Join(data.DatasetsDir(*dir), c.Folder))
			} else {
				fmt.Fprintf(stdout, "%-9s missing: run `%s` (%d MB from %s)\n", c.Name, c.GetCommand(), src.Size>>20, src.URL)
			}
		}
		return 0
	}
	if len(names) == 0 {
		fs.Usage()
		return 2
	}
	var srcs []Source
	for _, name := range names {
		src, err := SourceFor(name)
		if err != nil {
			fmt.Fprintf(stderr, "tailscope data get: %v\n", err)
			return 2
		}
		srcs = append(srcs, src)
	}
	g := &Getter{Dir: *dir, Progress: stderr}
	for _, src := range srcs {
		if err := g.Get(ctx, src); err != nil {
			fmt.Fprintf(stderr, "tailscope data get: %v\n", err)
			return 1
		}
	}
	return 0
}
