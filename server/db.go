package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/tailscope/tailscope/server/store/boltstore"
)

// dbMain is `tailscope db check|compact|backup`: maintenance of the server's database,
// with the server stopped (it holds the file locked while it runs).
func dbMain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	usage := func() {
		fmt.Fprintln(stderr, `usage: tailscope db check   [-data DIR]        check the database in full (every record; bbolt's consistency check)
       tailscope db compact [-data DIR]        rewrite it without its free pages (the old file is kept as tailscope.db.before-compact)
       tailscope db backup  [-data DIR] FILE   write a consistent copy to FILE (a new file)
The server must be stopped: it holds the database locked.`)
	}
	if len(args) == 0 {
		usage()
		return 2
	}
	verb := args[0]
	fs := flag.NewFlagSet("db "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = usage
	dir := fs.String("data", defaultDataDir(), "directory of the database")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	var de *boltstore.DamagedError
	switch verb {
	case "check":
		rep, err := boltstore.Check(*dir)
		if err != nil {
			fmt.Fprintf(stderr, "tailscope db check: %v\n", err)
			if errors.As(err, &de) {
				return 1
			}
			return 2
		}
		fmt.Fprintf(stdout, "%s: ok: %d records in %d buckets; %d bytes, %d in use\n", *dir, rep.Records, rep.Buckets, rep.Bytes, rep.Used)
	case "compact":
		before, after, err := boltstore.Compact(*dir)
		if err != nil {
			fmt.Fprintf(stderr, "tailscope db compact: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "%s: compacted from %d to %d bytes (the old file is %s.before-compact)\n", *dir, before, after, boltstore.FileName)
	case "backup":
		if fs.NArg() != 1 {
			usage()
			return 2
		}
		n, err := boltstore.Backup(*dir, fs.Arg(0))
		if err != nil {
			fmt.Fprintf(stderr, "tailscope db backup: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "%s: %d bytes written to %s\n", *dir, n, fs.Arg(0))
	default:
		fmt.Fprintf(stderr, "tailscope db: unknown action %q\n", verb)
		usage()
		return 2
	}
	return 0
}
