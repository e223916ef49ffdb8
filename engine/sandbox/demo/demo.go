// Package demo is mvi's demo app: a small web app whose misbehaviour is
// real, for the tutorials that need an app to go wrong on purpose. Its
// data lives in the app's KV table (DynamoDB); one route fails while that
// data is at a schema this code doesn't read, and admin commands (run as
// one-off tasks, `mvi run web -- migrate`) change the data and say what
// they did. Every request is one access line on stdout, which the awslogs
// driver sends to CloudWatch Logs.
//
// The sandbox runs this code in-process for the image it makes,
// public.ecr.aws/minimalinfra/mvi-demo (Image); on AWS the same program is
// the binary of cmd/mvi-demo, built with the Dockerfile beside this file.
// Nothing here knows which cloud it is on.
package demo

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Image is the demo's image (its repository without a tag); Tags are the
// tags it has.
const Image = "public.ecr.aws/minimalinfra/mvi-demo"

// Tags are the demo image's tags.
var Tags = []string{"1", "latest"}

// Schema is the version of the data this code reads; migrate brings the
// table to it, break puts it back one.
const Schema = 2

// EnvTable and EnvPort are the environment the demo reads: the KV table
// (set it to ${kv.table} in mvi.toml) and the port it listens on.
const (
	EnvTable    = "TABLE"
	EnvPort     = "PORT"
	DefaultPort = 8080
)

// ExitFail is the exit code of the fail command.
const ExitFail = 3

// ExitStopped is the exit code of a command stopped before its end: what
// ECS reports of a process that ended on the SIGTERM StopTask sends.
const ExitStopped = 143

// KV is what the demo needs of DynamoDB. The table's keys are the app's
// KV table's: pk and sk, both strings; the demo's items all have pk "demo".
type KV interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
}

// App is one running demo.
type App struct {
	KV    KV
	Table string
	// Log writes one line of the program's output (stdout).
	Log func(string)
	// Now is the clock access lines are timed by; nil is time.Now.
	Now func() time.Time
	// Wait waits d on that clock, or until ctx ends; nil is a timer.
	Wait func(ctx context.Context, d time.Duration) error
}

const pk = "demo"

func (a App) wait(ctx context.Context, d time.Duration) error {
	if a.Wait != nil {
		return a.Wait(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (a App) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a App) logf(format string, args ...any) {
	if a.Log != nil {
		a.Log(fmt.Sprintf(format, args...))
	}
}

// Started is the line the server prints once it listens.
func (a App) Started(port int) {
	table := a.Table
	if table == "" {
		table = "(none: " + EnvTable + " is not set)"
	}
	a.logf("mvi-demo listening on :%d, data in table %s, reading schema %d", port, table, Schema)
}

// Handler answers the demo's routes, each request logged as
// "METHOD PATH STATUS DURATION":
//
//	/        a page naming the routes
//	/health  200 while the process runs (what the load balancer checks)
//	/orders  the orders in the KV table; 500 while the data isn't at Schema
func (a App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("/orders", a.orders)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "mvi-demo: the demo app of mvi\n\nGET /health  is it up\nGET /orders  the orders in table %s (fails while the data is not at schema %d)\n", a.Table, Schema)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := a.now()
		rec := &status{ResponseWriter: w, code: http.StatusOK}
		mux.ServeHTTP(rec, r)
		a.logf("%s %s %d %s", r.Method, r.URL.RequestURI(), rec.code, a.now().Sub(start).Round(time.Microsecond))
	})
}

type status struct {
	http.ResponseWriter
	code int
}

func (s *status) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}

func (a App) orders(w http.ResponseWriter, r *http.Request) {
	d, err := a.read(r.Context())
	if err == nil && d.schema != Schema {
		err = &schemaError{have: d.schema}
	}
	if err != nil {
		// Not "GET /orders": grep for the access lines counts requests.
		a.logf("error: /orders: %v", err)
		http.Error(w, "internal server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	for _, o := range d.orders {
		fmt.Fprintln(w, o)
	}
}

type schemaError struct{ have int }

func (e *schemaError) Error() string {
	if e.have == 0 {
		return fmt.Sprintf("the table has no demo data (this release reads schema %d): run the migrate command", Schema)
	}
	return fmt.Sprintf("the data is at schema %d, this release reads schema %d: run the migrate command", e.have, Schema)
}

// data is the demo's items in the table.
type data struct {
	schema int // 0: none yet
	orders []string
}

func (a App) read(ctx context.Context) (data, error) {
	var d data
	if a.KV == nil {
		return d, fmt.Errorf("no DynamoDB to read table %s from", a.Table)
	}
	if a.Table == "" {
		return d, fmt.Errorf("%s is not set: the demo doesn't know its table (set %s = \"${kv.table}\" in mvi.toml)", EnvTable, EnvTable)
	}
	var start map[string]ddbtypes.AttributeValue
	for {
		out, err := a.KV.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(a.Table),
			KeyConditionExpression:    aws.String("pk = :pk"),
			ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":pk": &ddbtypes.AttributeValueMemberS{Value: pk}},
			ExclusiveStartKey:         start})
		if err != nil {
			return d, fmt.Errorf("read table %s: %w", a.Table, err)
		}
		for _, it := range out.Items {
			sk := str(it["sk"])
			switch {
			case sk == "schema":
				d.schema, _ = strconv.Atoi(str(it["version"]))
			case strings.HasPrefix(sk, "order#"):
				d.orders = append(d.orders, strings.TrimPrefix(sk, "order#")+" "+str(it["item"]))
			}
		}
		if len(out.LastEvaluatedKey) == 0 {
			return d, nil
		}
		start = out.LastEvaluatedKey
	}
}

func str(v ddbtypes.AttributeValue) string {
	switch x := v.(type) {
	case *ddbtypes.AttributeValueMemberS:
		return x.Value
	case *ddbtypes.AttributeValueMemberN:
		return x.Value
	}
	return ""
}

func (a App) put(ctx context.Context, sk string, attrs map[string]ddbtypes.AttributeValue) error {
	item := map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: pk}, "sk": &ddbtypes.AttributeValueMemberS{Value: sk}}
	for k, v := range attrs {
		item[k] = v
	}
	if _, err := a.KV.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(a.Table), Item: item}); err != nil {
		return fmt.Errorf("write %s to table %s: %w", sk, a.Table, err)
	}
	return nil
}

func (a App) setSchema(ctx context.Context, v int) error {
	return a.put(ctx, "schema", map[string]ddbtypes.AttributeValue{"version": &ddbtypes.AttributeValueMemberN{Value: strconv.Itoa(v)}})
}

// seed are the orders migrate writes when the table has none.
var seed = [][2]string{{"0001", "2 coffees"}, {"0002", "1 croissant"}, {"0003", "3 teas"}}

// Commands are the admin commands, for usage messages.
const Commands = "migrate, break, fail, sleep SECONDS"

// Admin runs one admin command as a one-off process would (args as the
// container's command), printing what it did to out; the result is the
// process's exit code.
func (a App) Admin(ctx context.Context, args []string, out io.Writer) int {
	say := func(format string, v ...any) { fmt.Fprintf(out, format+"\n", v...) }
	if len(args) == 0 {
		say("mvi-demo: give a command: serve, %s", Commands)
		return 2
	}
	fail := func(err error) int {
		say("mvi-demo %s: %v", args[0], err)
		return 1
	}
	switch args[0] {
	case "migrate":
		d, err := a.read(ctx)
		if err != nil {
			return fail(err)
		}
		if d.schema == Schema && len(d.orders) > 0 {
			say("migrate: table %s is at schema %d already, with %d orders: nothing to do", a.Table, Schema, len(d.orders))
			return 0
		}
		seeded := 0
		if len(d.orders) == 0 {
			for _, o := range seed {
				if err := a.put(ctx, "order#"+o[0], map[string]ddbtypes.AttributeValue{"item": &ddbtypes.AttributeValueMemberS{Value: o[1]}}); err != nil {
					return fail(err)
				}
				seeded++
			}
		}
		if err := a.setSchema(ctx, Schema); err != nil {
			return fail(err)
		}
		say("migrate: table %s: schema %d -> %d, %d orders written", a.Table, d.schema, Schema, seeded)
		return 0
	case "break":
		if _, err := a.read(ctx); err != nil {
			return fail(err)
		}
		if err := a.setSchema(ctx, Schema-1); err != nil {
			return fail(err)
		}
		say("break: table %s set back to schema %d: GET /orders answers 500 until migrate", a.Table, Schema-1)
		return 0
	case "fail":
		say("fail: exiting with status %d, as asked", ExitFail)
		return ExitFail
	case "sleep":
		// A long admin process, to watch one run and stop it.
		n := 0
		if len(args) == 2 {
			n, _ = strconv.Atoi(args[1])
		}
		if n <= 0 {
			say("mvi-demo sleep: give how many seconds, e.g. sleep 60")
			return 2
		}
		say("sleep: waiting %d s", n)
		if a.wait(ctx, time.Duration(n)*time.Second) != nil {
			say("sleep: stopped before the end, exiting with status %d", ExitStopped)
			return ExitStopped
		}
		say("sleep: done")
		return 0
	}
	say("mvi-demo: no command %q: the commands are serve, %s", args[0], Commands)
	return 2
}
