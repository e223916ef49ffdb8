package engine

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/minimalinfra/mvi/engine/sandbox/demo"
)

// The demo app's code against DynamoDB as the SDK speaks it (moto), the
// way its binary runs on AWS: migrate writes its data, /orders answers
// from it, break makes /orders fail, and each request is an access line.
func TestDemoAppOnMoto(t *testing.T) {
	clients := motoLockClients(t)
	ctx := context.Background()
	table := "mvi-demo-table"
	_, err := clients.DynamoDB.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: sdkaws.String(table), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: sdkaws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS},
			{AttributeName: sdkaws.String("sk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema: []ddbtypes.KeySchemaElement{{AttributeName: sdkaws.String("pk"), KeyType: ddbtypes.KeyTypeHash},
			{AttributeName: sdkaws.String("sk"), KeyType: ddbtypes.KeyTypeRange}}})
	if err != nil {
		t.Fatal(err)
	}
	var log []string
	app := demo.App{KV: clients.DynamoDB, Table: table, Log: func(l string) { log = append(log, l) }}
	get := func(path string) int {
		rec := httptest.NewRecorder()
		app.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code
	}
	admin := func(args ...string) (int, string) {
		var out bytes.Buffer
		return app.Admin(ctx, args, &out), out.String()
	}
	if code := get("/orders"); code != 500 {
		t.Errorf("/orders before migrate: %d", code)
	}
	if code, out := admin("migrate"); code != 0 || !strings.Contains(out, "schema 0 -> 2, 3 orders written") {
		t.Fatalf("migrate: %d %q", code, out)
	}
	if code := get("/orders"); code != 200 {
		t.Errorf("/orders after migrate: %d", code)
	}
	if code, out := admin("break"); code != 0 || !strings.Contains(out, "schema 1") {
		t.Fatalf("break: %d %q", code, out)
	}
	if code := get("/orders"); code != 500 {
		t.Errorf("/orders after break: %d", code)
	}
	if code, _ := admin("fail"); code != demo.ExitFail {
		t.Errorf("fail: %d", code)
	}
	all := strings.Join(log, "\n")
	for _, w := range []string{"GET /orders 500 ", "GET /orders 200 ", "error: /orders: the data is at schema 1"} {
		if !strings.Contains(all, w) {
			t.Errorf("the log lacks %q:\n%s", w, all)
		}
	}
}
