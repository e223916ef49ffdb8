// Command mvi-demo is the demo app as a container runs it on AWS:
// `mvi-demo serve` (the image's default command) answers HTTP on $PORT,
// and `mvi-demo migrate|break|fail` are its admin commands. It reads and
// writes the table named by $TABLE with the task role's credentials.
//
// Build its image from the repository's root:
//
//	docker build -f engine/sandbox/demo/Dockerfile -t mvi-demo .
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/minimalinfra/mvi/engine/sandbox/demo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mvi-demo:", err)
		os.Exit(1)
	}
	app := demo.App{KV: dynamodb.NewFromConfig(cfg), Table: os.Getenv(demo.EnvTable), Log: func(l string) { fmt.Println(l) }}
	args := os.Args[1:]
	if len(args) == 0 || args[0] != "serve" {
		os.Exit(app.Admin(ctx, args, os.Stdout))
	}
	port := demo.DefaultPort
	if p, err := strconv.Atoi(os.Getenv(demo.EnvPort)); err == nil && p > 0 {
		port = p
	}
	srv := &http.Server{Addr: ":" + strconv.Itoa(port), Handler: app.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	app.Started(port)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "mvi-demo:", err)
		os.Exit(1)
	}
}
