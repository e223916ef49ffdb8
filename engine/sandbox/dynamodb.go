package sandbox

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// DynamoDB: tables (key schema checked against the attribute definitions,
// on-demand or provisioned, SSE with an AWS owned or KMS key, PITR,
// streams, GSIs/LSIs, deletion protection, tags) passing CREATING →
// ACTIVE, UPDATING → ACTIVE and DELETING → gone on the clock; and items:
// PutItem, GetItem and Query over a stored, JSON-able form of attribute
// values. Condition, filter and key condition expressions are parsed
// (comparisons, BETWEEN, IN, AND/OR/NOT, attribute_exists,
// attribute_not_exists, attribute_type, begins_with, contains, size),
// with AWS's checks on #names and :values (undefined or unused ones are
// errors) and on common reserved words.

type dynamodbAPI struct{ s *Sandbox }

var _ cloud.DynamoDB = (*dynamodbAPI)(nil)

type dynamoState struct {
	Tables map[string]*ddbTable `json:"tables"`
}

type ddbTable struct {
	Meta
	Name       string             `json:"name"`
	Status     string             `json:"status"` // CREATING, ACTIVE, UPDATING, DELETING
	Keys       []ddbKey           `json:"key_schema"`
	Attrs      []ddbKey           `json:"attributes"` // Name, Type S/N/B
	Billing    string             `json:"billing_mode"`
	RCU        int64              `json:"rcu,omitempty"`
	WCU        int64              `json:"wcu,omitempty"`
	PPRSince   time.Time          `json:"pay_per_request_since,omitempty"`
	SSE        bool               `json:"sse_kms,omitempty"`
	SSEKey     string             `json:"sse_key,omitempty"`
	Protected  bool               `json:"deletion_protection,omitempty"`
	PITR       bool               `json:"pitr,omitempty"`
	PITRSince  time.Time          `json:"pitr_since,omitempty"`
	PITRDays   int32              `json:"pitr_days,omitempty"`
	StreamView string             `json:"stream_view,omitempty"`
	StreamAt   time.Time          `json:"stream_at,omitempty"`
	Class      string             `json:"table_class,omitempty"`
	GSIs       []ddbIndex         `json:"gsis,omitempty"`
	LSIs       []ddbIndex         `json:"lsis,omitempty"`
	ReadyAt    time.Time          `json:"ready_at"`
	GoneAt     time.Time          `json:"gone_at,omitempty"`
	Items      map[string]ddbItem `json:"items"`
}

type ddbKey struct {
	Name string `json:"name"`
	Type string `json:"type"` // HASH/RANGE in key schemas, S/N/B in attributes
}

type ddbIndex struct {
	Name       string    `json:"name"`
	Keys       []ddbKey  `json:"key_schema"`
	Projection string    `json:"projection"`
	NonKey     []string  `json:"non_key,omitempty"`
	RCU        int64     `json:"rcu,omitempty"`
	WCU        int64     `json:"wcu,omitempty"`
	ReadyAt    time.Time `json:"ready_at,omitempty"`
}

type ddbItem map[string]ddbValue

// ddbValue is an AttributeValue in a form encoding/json can store.
type ddbValue struct {
	T  string              `json:"t"`           // S N B BOOL NULL M L SS NS BS
	S  string              `json:"s,omitempty"` // S, N (canonical text), BOOL
	B  []byte              `json:"b,omitempty"`
	M  map[string]ddbValue `json:"m,omitempty"`
	L  []ddbValue          `json:"l,omitempty"`
	SS []string            `json:"ss,omitempty"` // SS, NS
	BS [][]byte            `json:"bs,omitempty"`
}

var ddbTableRE = regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`)

func ddbValidation(format string, args ...any) error { return validation(format, args...) }

func ddbNotFound(name string) error {
	return &ddbtypes.ResourceNotFoundException{Message: aws.String("Requested resource not found: Table: " + name + " not found")}
}

func ddbInUse(format string, args ...any) error {
	return &ddbtypes.ResourceInUseException{Message: aws.String(fmt.Sprintf(format, args...))}
}

func ddbName(ref string) string {
	if a, ok := parseARN(ref); ok && a.Service == "dynamodb" && strings.HasPrefix(a.Resource, "table/") {
		n := strings.TrimPrefix(a.Resource, "table/")
		if i := strings.Index(n, "/"); i >= 0 {
			n = n[:i]
		}
		return n
	}
	return ref
}

func ddbCheckTableName(n string) error {
	if len(n) < 3 || len(n) > 255 {
		return ddbValidation("1 validation error detected: Value '%s' at 'tableName' failed to satisfy constraint: Member must have length between 3 and 255", n)
	}
	if !ddbTableRE.MatchString(n) {
		return ddbValidation("1 validation error detected: Value '%s' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+", n)
	}
	return nil
}

// table finds a table for a control-plane call (any status).
func (t *tx) table(ref string) (*ddbTable, error) {
	n := ddbName(ref)
	tb := t.r.DynamoDB.Tables[n]
	if tb == nil || t.hidden(tb.Created) {
		return nil, ddbNotFound(n)
	}
	return tb, nil
}

// dataTable finds a table items can be read or written in.
func (t *tx) dataTable(ref string) (*ddbTable, error) {
	tb, err := t.table(ref)
	if err != nil {
		return nil, err
	}
	if tb.Status == "CREATING" || tb.Status == "DELETING" {
		return nil, &ddbtypes.ResourceNotFoundException{Message: aws.String("Requested resource not found")}
	}
	return tb, nil
}

func (tb *ddbTable) attrType(name string) string {
	for _, a := range tb.Attrs {
		if a.Name == name {
			return a.Type
		}
	}
	return ""
}

func ddbKeyNames(ks []ddbKey) (hash, rng string) {
	for _, k := range ks {
		if k.Type == "HASH" {
			hash = k.Name
		} else {
			rng = k.Name
		}
	}
	return
}

func ddbKeySchema(ks []ddbKey) []ddbtypes.KeySchemaElement {
	out := make([]ddbtypes.KeySchemaElement, 0, len(ks))
	for _, k := range ks {
		out = append(out, ddbtypes.KeySchemaElement{AttributeName: aws.String(k.Name), KeyType: ddbtypes.KeyType(k.Type)})
	}
	return out
}

func ddbFromKeySchema(ks []ddbtypes.KeySchemaElement, where string) ([]ddbKey, error) {
	if len(ks) == 0 || len(ks) > 2 {
		return nil, ddbValidation("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length between 1 and 2", where)
	}
	var out []ddbKey
	for i, k := range ks {
		n := aws.ToString(k.AttributeName)
		if n == "" || len(n) > 255 {
			return nil, ddbValidation("One or more parameter values were invalid: Invalid KeySchema: key attribute names must be 1 to 255 characters")
		}
		want := ddbtypes.KeyTypeHash
		if i == 1 {
			want = ddbtypes.KeyTypeRange
		}
		if k.KeyType != want {
			if i == 0 {
				return nil, ddbValidation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
			}
			return nil, ddbValidation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
		}
		if i == 1 && n == out[0].Name {
			return nil, ddbValidation("Both the Hash Key and the Range Key element in the KeySchema have the same name")
		}
		out = append(out, ddbKey{n, string(k.KeyType)})
	}
	return out, nil
}

func ddbCheckProjection(p *ddbtypes.Projection, index string) (string, []string, error) {
	if p == nil || p.ProjectionType == "" {
		return "", nil, ddbValidation("One or more parameter values were invalid: Projection of index %s must have a ProjectionType", index)
	}
	switch p.ProjectionType {
	case ddbtypes.ProjectionTypeAll, ddbtypes.ProjectionTypeKeysOnly:
		if len(p.NonKeyAttributes) > 0 {
			return "", nil, ddbValidation("One or more parameter values were invalid: ProjectionType is %s, but NonKeyAttributes is specified", p.ProjectionType)
		}
	case ddbtypes.ProjectionTypeInclude:
		if len(p.NonKeyAttributes) == 0 {
			return "", nil, ddbValidation("One or more parameter values were invalid: NonKeyAttributes must be specified with ProjectionType INCLUDE")
		}
	default:
		return "", nil, ddbValidation("1 validation error detected: Value '%s' at 'projection.projectionType' failed to satisfy constraint: Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]", p.ProjectionType)
	}
	return string(p.ProjectionType), append([]string(nil), p.NonKeyAttributes...), nil
}

func ddbThroughput(billing string, pt *ddbtypes.ProvisionedThroughput, what string) (int64, int64, error) {
	if billing == string(ddbtypes.BillingModePayPerRequest) {
		if pt != nil {
			return 0, 0, ddbValidation("One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
		}
		return 0, 0, nil
	}
	if pt == nil || pt.ReadCapacityUnits == nil || pt.WriteCapacityUnits == nil {
		return 0, 0, ddbValidation("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
	}
	if *pt.ReadCapacityUnits < 1 || *pt.WriteCapacityUnits < 1 {
		return 0, 0, ddbValidation("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits of %s must be at least 1", what)
	}
	return *pt.ReadCapacityUnits, *pt.WriteCapacityUnits, nil
}

func (t *tx) ddbSSE(spec *ddbtypes.SSESpecification) (bool, string, error) {
	if spec == nil || !aws.ToBool(spec.Enabled) {
		if spec != nil && spec.KMSMasterKeyId != nil {
			return false, "", ddbValidation("One or more parameter values were invalid: KMSMasterKeyId can only be specified when SSE is enabled")
		}
		return false, "", nil
	}
	if spec.SSEType != "" && spec.SSEType != ddbtypes.SSETypeKms {
		return false, "", ddbValidation("One or more parameter values were invalid: SSEType %s is not supported; use KMS", spec.SSEType)
	}
	ref := aws.ToString(spec.KMSMasterKeyId)
	if ref == "" || ref == "alias/aws/dynamodb" {
		return true, managedKeyARN(t, "dynamodb"), nil
	}
	k, err := t.kmsKeyRef(ref)
	if err == nil {
		err = k.usable()
	}
	if err != nil {
		return false, "", ddbValidation("One or more parameter values were invalid: KMSMasterKeyId %s does not exist, is not enabled or can't be used", ref)
	}
	return true, k.ARN, nil
}

func ddbTagMap(ts []ddbtypes.Tag) (map[string]string, error) {
	m := map[string]string{}
	for _, tg := range ts {
		k := aws.ToString(tg.Key)
		if k == "" || len(k) > 128 || len(aws.ToString(tg.Value)) > 256 {
			return nil, ddbValidation("One or more parameter values were invalid: tag keys must be 1 to 128 characters and values at most 256")
		}
		m[k] = aws.ToString(tg.Value)
	}
	if k, bad := reservedTag(m); bad {
		return nil, ddbValidation("One or more parameter values were invalid: The tag key %s uses the reserved prefix aws:", k)
	}
	return m, nil
}

func (t *tx) tableOut(tb *ddbTable) *ddbtypes.TableDescription {
	out := &ddbtypes.TableDescription{
		TableName: aws.String(tb.Name), TableArn: aws.String(tb.ARN), TableId: aws.String(tb.ID),
		TableStatus: ddbtypes.TableStatus(tb.Status), CreationDateTime: tp(tb.Created), KeySchema: ddbKeySchema(tb.Keys),
		ItemCount: aws.Int64(int64(len(tb.Items))), TableSizeBytes: aws.Int64(tb.size()),
		DeletionProtectionEnabled: aws.Bool(tb.Protected),
		ProvisionedThroughput: &ddbtypes.ProvisionedThroughputDescription{ReadCapacityUnits: aws.Int64(tb.RCU), WriteCapacityUnits: aws.Int64(tb.WCU),
			NumberOfDecreasesToday: aws.Int64(0)},
	}
	for _, a := range tb.Attrs {
		out.AttributeDefinitions = append(out.AttributeDefinitions, ddbtypes.AttributeDefinition{AttributeName: aws.String(a.Name), AttributeType: ddbtypes.ScalarAttributeType(a.Type)})
	}
	if tb.Billing == string(ddbtypes.BillingModePayPerRequest) || !tb.PPRSince.IsZero() {
		out.BillingModeSummary = &ddbtypes.BillingModeSummary{BillingMode: ddbtypes.BillingMode(tb.Billing), LastUpdateToPayPerRequestDateTime: tp(tb.PPRSince)}
	}
	if tb.SSE {
		out.SSEDescription = &ddbtypes.SSEDescription{Status: ddbtypes.SSEStatusEnabled, SSEType: ddbtypes.SSETypeKms, KMSMasterKeyArn: aws.String(tb.SSEKey)}
	}
	if tb.StreamView != "" {
		label := tb.StreamAt.UTC().Format("2006-01-02T15:04:05.000")
		out.StreamSpecification = &ddbtypes.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: ddbtypes.StreamViewType(tb.StreamView)}
		out.LatestStreamLabel = aws.String(label)
		out.LatestStreamArn = aws.String(tb.ARN + "/stream/" + label)
	}
	if tb.Class != "" {
		out.TableClassSummary = &ddbtypes.TableClassSummary{TableClass: ddbtypes.TableClass(tb.Class)}
	}
	for _, g := range tb.GSIs {
		st := ddbtypes.IndexStatusActive
		if !t.reached(g.ReadyAt) {
			st = ddbtypes.IndexStatusCreating
		}
		d := ddbtypes.GlobalSecondaryIndexDescription{IndexName: aws.String(g.Name), IndexArn: aws.String(tb.ARN + "/index/" + g.Name),
			KeySchema: ddbKeySchema(g.Keys), Projection: &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionType(g.Projection), NonKeyAttributes: append([]string(nil), g.NonKey...)},
			IndexStatus: st, ItemCount: aws.Int64(int64(len(tb.indexItems(g.Keys)))), IndexSizeBytes: aws.Int64(0),
			ProvisionedThroughput: &ddbtypes.ProvisionedThroughputDescription{ReadCapacityUnits: aws.Int64(g.RCU), WriteCapacityUnits: aws.Int64(g.WCU), NumberOfDecreasesToday: aws.Int64(0)}}
		out.GlobalSecondaryIndexes = append(out.GlobalSecondaryIndexes, d)
	}
	for _, l := range tb.LSIs {
		out.LocalSecondaryIndexes = append(out.LocalSecondaryIndexes, ddbtypes.LocalSecondaryIndexDescription{IndexName: aws.String(l.Name),
			IndexArn: aws.String(tb.ARN + "/index/" + l.Name), KeySchema: ddbKeySchema(l.Keys),
			Projection: &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionType(l.Projection), NonKeyAttributes: append([]string(nil), l.NonKey...)},
			ItemCount:  aws.Int64(int64(len(tb.indexItems(l.Keys)))), IndexSizeBytes: aws.Int64(0)})
	}
	return out
}

func (tb *ddbTable) size() int64 {
	var n int64
	for _, it := range tb.Items {
		n += int64(it.size())
	}
	return n
}

func advanceDynamoDB(t *tx) {
	for _, n := range sortedKeys(t.r.DynamoDB.Tables) {
		tb := t.r.DynamoDB.Tables[n]
		switch tb.Status {
		case "CREATING", "UPDATING":
			if t.reached(tb.ReadyAt) {
				tb.Status = "ACTIVE"
				t.touch()
			}
		case "DELETING":
			if t.reached(tb.GoneAt) {
				delete(t.r.DynamoDB.Tables, n)
				t.touch()
			}
		}
	}
}

// --- tables ---

func (a *dynamodbAPI) CreateTable(ctx context.Context, in *dynamodb.CreateTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error) {
	return call(ctx, a.s, svcDynamoDB, "CreateTable", func(t *tx) (*dynamodb.CreateTableOutput, error) {
		name := aws.ToString(in.TableName)
		if err := ddbCheckTableName(name); err != nil {
			return nil, err
		}
		keys, err := ddbFromKeySchema(in.KeySchema, "keySchema")
		if err != nil {
			return nil, err
		}
		attrs := map[string]string{}
		var order []string
		for _, d := range in.AttributeDefinitions {
			n := aws.ToString(d.AttributeName)
			if _, dup := attrs[n]; dup {
				return nil, ddbValidation("Cannot have two attributes with the same name")
			}
			switch d.AttributeType {
			case ddbtypes.ScalarAttributeTypeS, ddbtypes.ScalarAttributeTypeN, ddbtypes.ScalarAttributeTypeB:
			default:
				return nil, ddbValidation("1 validation error detected: Value '%s' at 'attributeDefinitions.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]", d.AttributeType)
			}
			attrs[n] = string(d.AttributeType)
			order = append(order, n)
		}
		billing := string(in.BillingMode)
		if billing == "" {
			billing = string(ddbtypes.BillingModeProvisioned)
		}
		if billing != string(ddbtypes.BillingModeProvisioned) && billing != string(ddbtypes.BillingModePayPerRequest) {
			return nil, ddbValidation("1 validation error detected: Value '%s' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]", billing)
		}
		rcu, wcu, err := ddbThroughput(billing, in.ProvisionedThroughput, "the table")
		if err != nil {
			return nil, err
		}
		used := map[string]bool{}
		for _, k := range keys {
			used[k.Name] = true
		}
		var gsis, lsis []ddbIndex
		seenIdx := map[string]bool{}
		if len(in.GlobalSecondaryIndexes) > 20 {
			return nil, &ddbtypes.LimitExceededException{Message: aws.String("Subscriber limit exceeded: a table can have at most 20 global secondary indexes")}
		}
		for _, g := range in.GlobalSecondaryIndexes {
			n := aws.ToString(g.IndexName)
			if len(n) < 3 || len(n) > 255 || !ddbTableRE.MatchString(n) || seenIdx[n] {
				return nil, ddbValidation("One or more parameter values were invalid: Invalid or duplicate index name %s", n)
			}
			seenIdx[n] = true
			ks, err := ddbFromKeySchema(g.KeySchema, "globalSecondaryIndexes.member.keySchema")
			if err != nil {
				return nil, err
			}
			proj, nonKey, err := ddbCheckProjection(g.Projection, n)
			if err != nil {
				return nil, err
			}
			r, w, err := ddbThroughput(billing, g.ProvisionedThroughput, "index "+n)
			if err != nil {
				return nil, err
			}
			for _, k := range ks {
				used[k.Name] = true
			}
			gsis = append(gsis, ddbIndex{Name: n, Keys: ks, Projection: proj, NonKey: nonKey, RCU: r, WCU: w})
		}
		if len(in.LocalSecondaryIndexes) > 5 {
			return nil, &ddbtypes.LimitExceededException{Message: aws.String("Subscriber limit exceeded: a table can have at most 5 local secondary indexes")}
		}
		for _, l := range in.LocalSecondaryIndexes {
			n := aws.ToString(l.IndexName)
			if len(n) < 3 || len(n) > 255 || !ddbTableRE.MatchString(n) || seenIdx[n] {
				return nil, ddbValidation("One or more parameter values were invalid: Invalid or duplicate index name %s", n)
			}
			seenIdx[n] = true
			if len(keys) < 2 {
				return nil, ddbValidation("One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex")
			}
			ks, err := ddbFromKeySchema(l.KeySchema, "localSecondaryIndexes.member.keySchema")
			if err != nil {
				return nil, err
			}
			if len(ks) != 2 || ks[0].Name != keys[0].Name {
				return nil, ddbValidation("One or more parameter values were invalid: Index KeySchema of %s must have the table's hash key and a range key", n)
			}
			proj, nonKey, err := ddbCheckProjection(l.Projection, n)
			if err != nil {
				return nil, err
			}
			used[ks[1].Name] = true
			lsis = append(lsis, ddbIndex{Name: n, Keys: ks, Projection: proj, NonKey: nonKey})
		}
		var undefined []string
		for _, n := range sortedKeys(used) {
			if attrs[n] == "" {
				undefined = append(undefined, n)
			}
		}
		if len(undefined) > 0 {
			return nil, ddbValidation("One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [%s], AttributeDefinitions: [%s]",
				strings.Join(undefined, ", "), strings.Join(order, ", "))
		}
		if len(used) != len(attrs) {
			return nil, ddbValidation("One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions")
		}
		sse, key, err := t.ddbSSE(in.SSESpecification)
		if err != nil {
			return nil, err
		}
		view := ""
		if ss := in.StreamSpecification; ss != nil && aws.ToBool(ss.StreamEnabled) {
			switch ss.StreamViewType {
			case ddbtypes.StreamViewTypeKeysOnly, ddbtypes.StreamViewTypeNewImage, ddbtypes.StreamViewTypeOldImage, ddbtypes.StreamViewTypeNewAndOldImages:
				view = string(ss.StreamViewType)
			default:
				return nil, ddbValidation("One or more parameter values were invalid: StreamViewType must be specified when StreamEnabled is true")
			}
		}
		class := string(in.TableClass)
		if class != "" && class != string(ddbtypes.TableClassStandard) && class != string(ddbtypes.TableClassStandardInfrequentAccess) {
			return nil, ddbValidation("1 validation error detected: Value '%s' at 'tableClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, STANDARD_INFREQUENT_ACCESS]", class)
		}
		if in.ResourcePolicy != nil || in.GlobalTableSourceArn != nil {
			return nil, ddbValidation("The sandbox doesn't support resource policies or global tables.")
		}
		tags, err := ddbTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		if len(tags) > 50 {
			return nil, ddbValidation("One or more parameter values were invalid: a table can have at most 50 tags")
		}
		if t.r.DynamoDB.Tables[name] != nil {
			return nil, ddbInUse("Table already exists: %s", name)
		}
		if len(t.r.DynamoDB.Tables) >= 2500 {
			return nil, &ddbtypes.LimitExceededException{Message: aws.String("Subscriber limit exceeded: There is a limit of 2500 tables per subscriber")}
		}
		tb := &ddbTable{Meta: Meta{ID: uuid(), ARN: t.arn("dynamodb", "table/"+name), Created: t.now}, Name: name, Status: "CREATING",
			Keys: keys, Billing: billing, RCU: rcu, WCU: wcu, SSE: sse, SSEKey: key, Protected: aws.ToBool(in.DeletionProtectionEnabled),
			StreamView: view, Class: class, GSIs: gsis, LSIs: lsis, ReadyAt: t.at(paceDynamoActive), Items: map[string]ddbItem{}}
		for _, n := range order {
			tb.Attrs = append(tb.Attrs, ddbKey{n, attrs[n]})
		}
		if billing == string(ddbtypes.BillingModePayPerRequest) {
			tb.PPRSince = t.now
		}
		if view != "" {
			tb.StreamAt = t.now
		}
		for i := range tb.GSIs {
			tb.GSIs[i].ReadyAt = tb.ReadyAt
		}
		tb.setTags(tags)
		t.r.DynamoDB.Tables[name] = tb
		return &dynamodb.CreateTableOutput{TableDescription: t.tableOut(tb)}, nil
	})
}

func (a *dynamodbAPI) DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	return call(ctx, a.s, svcDynamoDB, "DescribeTable", func(t *tx) (*dynamodb.DescribeTableOutput, error) {
		tb, err := t.table(aws.ToString(in.TableName))
		if err != nil {
			return nil, err
		}
		return &dynamodb.DescribeTableOutput{Table: t.tableOut(tb)}, nil
	})
}

func (a *dynamodbAPI) DeleteTable(ctx context.Context, in *dynamodb.DeleteTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.DeleteTableOutput, error) {
	return call(ctx, a.s, svcDynamoDB, "DeleteTable", func(t *tx) (*dynamodb.DeleteTableOutput, error) {
		tb, err := t.table(aws.ToString(in.TableName))
		if err != nil {
			return nil, err
		}
		switch tb.Status {
		case "CREATING":
			return nil, ddbInUse("Attempt to change a resource which is still in use: Table is being created: %s", tb.Name)
		case "UPDATING":
			return nil, ddbInUse("Attempt to change a resource which is still in use: Table is being updated: %s", tb.Name)
		case "DELETING":
			return &dynamodb.DeleteTableOutput{TableDescription: t.tableOut(tb)}, nil
		}
		if tb.Protected {
			return nil, ddbValidation("Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
		}
		tb.Status, tb.GoneAt = "DELETING", t.at(paceDynamoDelete)
		return &dynamodb.DeleteTableOutput{TableDescription: t.tableOut(tb)}, nil
	})
}

func (a *dynamodbAPI) UpdateTable(ctx context.Context, in *dynamodb.UpdateTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateTableOutput, error) {
	return call(ctx, a.s, svcDynamoDB, "UpdateTable", func(t *tx) (*dynamodb.UpdateTableOutput, error) {
		tb, err := t.table(aws.ToString(in.TableName))
		if err != nil {
			return nil, err
		}
		switch tb.Status {
		case "CREATING":
			return nil, ddbInUse("Attempt to change a resource which is still in use: Table is being created: %s", tb.Name)
		case "UPDATING":
			return nil, ddbInUse("Attempt to change a resource which is still in use: Table is being updated: %s", tb.Name)
		case "DELETING":
			return nil, ddbInUse("Attempt to change a resource which is still in use: Table is being deleted: %s", tb.Name)
		}
		if len(in.ReplicaUpdates) > 0 || len(in.GlobalTableWitnessUpdates) > 0 || in.MultiRegionConsistency != "" {
			return nil, ddbValidation("The sandbox doesn't support global tables.")
		}
		slow, changed := false, false
		billing := tb.Billing
		if in.BillingMode != "" && string(in.BillingMode) != tb.Billing {
			billing, slow, changed = string(in.BillingMode), true, true
		}
		if billing != string(ddbtypes.BillingModeProvisioned) && billing != string(ddbtypes.BillingModePayPerRequest) {
			return nil, ddbValidation("1 validation error detected: Value '%s' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]", billing)
		}
		rcu, wcu := tb.RCU, tb.WCU
		if billing != tb.Billing || in.ProvisionedThroughput != nil {
			r, w, err := ddbThroughput(billing, in.ProvisionedThroughput, "the table")
			if err != nil {
				return nil, err
			}
			if billing == tb.Billing && r == tb.RCU && w == tb.WCU {
				return nil, ddbValidation("The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: %d. Requested ReadCapacityUnits: %d. Current WriteCapacityUnits provisioned for the table: %d. Requested WriteCapacityUnits: %d. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.", tb.RCU, r, tb.WCU, w)
			}
			rcu, wcu, slow, changed = r, w, true, true
		}
		sse, key := tb.SSE, tb.SSEKey
		if in.SSESpecification != nil {
			s, k, err := t.ddbSSE(in.SSESpecification)
			if err != nil {
				return nil, err
			}
			if s != tb.SSE || k != tb.SSEKey {
				sse, key, slow, changed = s, k, true, true
			} else if s {
				return nil, ddbValidation("Table is already encrypted by given KMSMasterKeyId: %s", k)
			}
		}
		view := tb.StreamView
		if ss := in.StreamSpecification; ss != nil {
			if aws.ToBool(ss.StreamEnabled) {
				if tb.StreamView != "" {
					return nil, ddbValidation("Table already has an enabled stream: %s", tb.ARN)
				}
				if ss.StreamViewType == "" {
					return nil, ddbValidation("One or more parameter values were invalid: StreamViewType must be specified when StreamEnabled is true")
				}
				view = string(ss.StreamViewType)
			} else {
				if tb.StreamView == "" {
					return nil, ddbValidation("Table already has no stream enabled")
				}
				view = ""
			}
			slow, changed = true, true
		}
		class := tb.Class
		if in.TableClass != "" && string(in.TableClass) != tb.Class {
			class, slow, changed = string(in.TableClass), true, true
		}
		attrs := append([]ddbKey(nil), tb.Attrs...)
		for _, d := range in.AttributeDefinitions {
			n := aws.ToString(d.AttributeName)
			if cur := tb.attrType(n); cur != "" && cur != string(d.AttributeType) {
				return nil, ddbValidation("One or more parameter values were invalid: Attribute %s is already defined with type %s", n, cur)
			} else if cur == "" {
				attrs = append(attrs, ddbKey{n, string(d.AttributeType)})
			}
		}
		gsis := append([]ddbIndex(nil), tb.GSIs...)
		for _, u := range in.GlobalSecondaryIndexUpdates {
			switch {
			case u.Create != nil:
				n := aws.ToString(u.Create.IndexName)
				for _, g := range gsis {
					if g.Name == n {
						return nil, ddbValidation("One or more parameter values were invalid: Index %s already exists", n)
					}
				}
				ks, err := ddbFromKeySchema(u.Create.KeySchema, "globalSecondaryIndexUpdates.member.create.keySchema")
				if err != nil {
					return nil, err
				}
				for _, k := range ks {
					ok := false
					for _, a := range attrs {
						ok = ok || a.Name == k.Name
					}
					if !ok {
						return nil, ddbValidation("One or more parameter values were invalid: Global Secondary Index key attribute %s is not defined in AttributeDefinitions", k.Name)
					}
				}
				proj, nonKey, err := ddbCheckProjection(u.Create.Projection, n)
				if err != nil {
					return nil, err
				}
				r, w, err := ddbThroughput(billing, u.Create.ProvisionedThroughput, "index "+n)
				if err != nil {
					return nil, err
				}
				gsis = append(gsis, ddbIndex{Name: n, Keys: ks, Projection: proj, NonKey: nonKey, RCU: r, WCU: w, ReadyAt: t.at(paceDynamoActive)})
			case u.Delete != nil:
				n, kept := aws.ToString(u.Delete.IndexName), gsis[:0:0]
				for _, g := range gsis {
					if g.Name != n {
						kept = append(kept, g)
					}
				}
				if len(kept) == len(gsis) {
					return nil, &ddbtypes.ResourceNotFoundException{Message: aws.String("Requested resource not found: Index: " + n + " not found")}
				}
				gsis = kept
			case u.Update != nil:
				n, found := aws.ToString(u.Update.IndexName), false
				for i := range gsis {
					if gsis[i].Name == n {
						r, w, err := ddbThroughput(billing, u.Update.ProvisionedThroughput, "index "+n)
						if err != nil {
							return nil, err
						}
						gsis[i].RCU, gsis[i].WCU, found = r, w, true
					}
				}
				if !found {
					return nil, &ddbtypes.ResourceNotFoundException{Message: aws.String("Requested resource not found: Index: " + n + " not found")}
				}
			}
			slow, changed = true, true
		}
		protected := tb.Protected
		if in.DeletionProtectionEnabled != nil && *in.DeletionProtectionEnabled != tb.Protected {
			protected, changed = *in.DeletionProtectionEnabled, true
		}
		if !changed {
			return nil, ddbValidation("One or more parameter values were invalid: the update changes nothing")
		}
		if billing == string(ddbtypes.BillingModePayPerRequest) && tb.Billing != billing {
			tb.PPRSince = t.now
			for i := range gsis {
				gsis[i].RCU, gsis[i].WCU = 0, 0
			}
		}
		if view != "" && view != tb.StreamView {
			tb.StreamAt = t.now
		}
		tb.Billing, tb.RCU, tb.WCU, tb.SSE, tb.SSEKey, tb.StreamView, tb.Class = billing, rcu, wcu, sse, key, view, class
		tb.Attrs, tb.GSIs, tb.Protected = attrs, gsis, protected
		if slow {
			tb.Status, tb.ReadyAt = "UPDATING", t.at(paceDynamoActive)
		}
		return &dynamodb.UpdateTableOutput{TableDescription: t.tableOut(tb)}, nil
	})
}

func (t *tx) backupsTable(ref string) (*ddbTable, error) {
	n := ddbName(ref)
	tb := t.r.DynamoDB.Tables[n]
	if tb == nil || t.hidden(tb.Created) {
		return nil, &ddbtypes.TableNotFoundException{Message: aws.String("Table not found: " + n)}
	}
	return tb, nil
}

func (t *tx) backupsOut(tb *ddbTable) *ddbtypes.ContinuousBackupsDescription {
	out := &ddbtypes.ContinuousBackupsDescription{ContinuousBackupsStatus: ddbtypes.ContinuousBackupsStatusEnabled,
		PointInTimeRecoveryDescription: &ddbtypes.PointInTimeRecoveryDescription{PointInTimeRecoveryStatus: ddbtypes.PointInTimeRecoveryStatusDisabled}}
	if tb.PITR {
		d := out.PointInTimeRecoveryDescription
		d.PointInTimeRecoveryStatus = ddbtypes.PointInTimeRecoveryStatusEnabled
		d.RecoveryPeriodInDays = aws.Int32(tb.PITRDays)
		earliest := latest(tb.PITRSince, t.now.Add(-time.Duration(tb.PITRDays)*24*time.Hour))
		last := latest(earliest, t.now.Add(-5*time.Minute))
		d.EarliestRestorableDateTime, d.LatestRestorableDateTime = tp(earliest), tp(last)
	}
	return out
}

func (a *dynamodbAPI) UpdateContinuousBackups(ctx context.Context, in *dynamodb.UpdateContinuousBackupsInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateContinuousBackupsOutput, error) {
	return call(ctx, a.s, svcDynamoDB, "UpdateContinuousBackups", func(t *tx) (*dynamodb.UpdateContinuousBackupsOutput, error) {
		spec := in.PointInTimeRecoverySpecification
		if spec == nil || spec.PointInTimeRecoveryEnabled == nil {
			return nil, ddbValidation("1 validation error detected: Value null at 'pointInTimeRecoverySpecification' failed to satisfy constraint: Member must not be null")
		}
		days := aws.ToInt32(spec.RecoveryPeriodInDays)
		if spec.RecoveryPeriodInDays != nil && !*spec.PointInTimeRecoveryEnabled {
			return nil, ddbValidation("RecoveryPeriodInDays can only be set when PointInTimeRecoveryEnabled is true")
		}
		if days == 0 {
			days = 35
		}
		if days < 1 || days > 35 {
			return nil, ddbValidation("1 validation error detected: Value '%d' at 'pointInTimeRecoverySpecification.recoveryPeriodInDays' failed to satisfy constraint: Member must have value between 1 and 35", days)
		}
		tb, err := t.backupsTable(aws.ToString(in.TableName))
		if err != nil {
			return nil, err
		}
		if tb.Status == "CREATING" || tb.Status == "DELETING" {
			return nil, &ddbtypes.ContinuousBackupsUnavailableException{Message: aws.String("Backups are being enabled for the table: " + tb.Name + ". Please retry later")}
		}
		on := *spec.PointInTimeRecoveryEnabled
		if on && (!tb.PITR || tb.PITRDays != days) {
			if !tb.PITR {
				tb.PITRSince = t.now
			}
			tb.PITR, tb.PITRDays = true, days
		} else if !on {
			tb.PITR, tb.PITRDays, tb.PITRSince = false, 0, time.Time{}
		}
		return &dynamodb.UpdateContinuousBackupsOutput{ContinuousBackupsDescription: t.backupsOut(tb)}, nil
	})
}

func (a *dynamodbAPI) DescribeContinuousBackups(ctx context.Context, in *dynamodb.DescribeContinuousBackupsInput, _ ...func(*dynamodb.Options)) (*dynamodb.DescribeContinuousBackupsOutput, error) {
	return call(ctx, a.s, svcDynamoDB, "DescribeContinuousBackups", func(t *tx) (*dynamodb.DescribeContinuousBackupsOutput, error) {
		tb, err := t.backupsTable(aws.ToString(in.TableName))
		if err != nil {
			return nil, err
		}
		return &dynamodb.DescribeContinuousBackupsOutput{ContinuousBackupsDescription: t.backupsOut(tb)}, nil
	})
}

func (t *tx) ddbTaggable(ref string) (*ddbTable, error) {
	p, ok := parseARN(ref)
	if !ok || p.Service != "dynamodb" || !strings.HasPrefix(p.Resource, "table/") {
		return nil, ddbValidation("Invalid TableArn: Invalid ResourceArn provided as input %s", ref)
	}
	nf := &ddbtypes.ResourceNotFoundException{Message: aws.String("Requested resource not found: ResourceArn: " + ref + " not found")}
	if p.Region != t.regionName() || p.Account != t.account() || strings.Contains(strings.TrimPrefix(p.Resource, "table/"), "/") {
		return nil, nf
	}
	tb := t.r.DynamoDB.Tables[strings.TrimPrefix(p.Resource, "table/")]
	if tb == nil || t.hidden(tb.Created) || tb.Status == "DELETING" {
		return nil, nf
	}
	return tb, nil
}

func (a *dynamodbAPI) TagResource(ctx context.Context, in *dynamodb.TagResourceInput, _ ...func(*dynamodb.Options)) (*dynamodb.TagResourceOutput, error) {
	return call(ctx, a.s, svcDynamoDB, "TagResource", func(t *tx) (*dynamodb.TagResourceOutput, error) {
		tb, err := t.ddbTaggable(aws.ToString(in.ResourceArn))
		if err != nil {
			return nil, err
		}
		tags, err := ddbTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		n := len(tb.Tags)
		for k := range tags {
			if _, ok := tb.Tags[k]; !ok {
				n++
			}
		}
		if n > 50 {
			return nil, ddbValidation("One or more parameter values were invalid: a table can have at most 50 tags")
		}
		tb.setTags(tags)
		return &dynamodb.TagResourceOutput{}, nil
	})
}

func (a *dynamodbAPI) ListTagsOfResource(ctx context.Context, in *dynamodb.ListTagsOfResourceInput, _ ...func(*dynamodb.Options)) (*dynamodb.ListTagsOfResourceOutput, error) {
	return call(ctx, a.s, svcDynamoDB, "ListTagsOfResource", func(t *tx) (*dynamodb.ListTagsOfResourceOutput, error) {
		tb, err := t.ddbTaggable(aws.ToString(in.ResourceArn))
		if err != nil {
			return nil, err
		}
		var all []ddbtypes.Tag
		for _, k := range sortedKeys(tb.Tags) {
			all = append(all, ddbtypes.Tag{Key: aws.String(k), Value: aws.String(tb.Tags[k])})
		}
		items, next, err := page(all, in.NextToken, 100)
		if err != nil {
			return nil, ddbValidation("Invalid NextToken")
		}
		if items == nil {
			items = []ddbtypes.Tag{}
		}
		return &dynamodb.ListTagsOfResourceOutput{Tags: items, NextToken: next}, nil
	})
}

// --- attribute values ---

var ddbNumberRE = regexp.MustCompile(`^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$`)

// ddbNumber checks a number as DynamoDB does (38 significant digits,
// magnitude 1E-130 to 9.99…E+125) and returns its canonical text.
func ddbNumber(s string) (string, error) {
	m := ddbNumberRE.FindStringSubmatch(s)
	if m == nil || (m[2] == "" && m[3] == "") {
		return "", ddbValidation("The parameter cannot be converted to a numeric value: %s", s)
	}
	exp := 0
	if m[4] != "" {
		e, err := strconv.Atoi(m[4])
		if err != nil || e > 1000 || e < -1000 {
			return "", ddbValidation("The parameter cannot be converted to a numeric value: %s", s)
		}
		exp = e
	}
	digits := m[2] + m[3]
	point := len(m[2]) + exp // position of the decimal point in digits
	lead := 0
	for lead < len(digits) && digits[lead] == '0' {
		lead++
	}
	digits, point = digits[lead:], point-lead
	digits = strings.TrimRight(digits, "0")
	if digits == "" {
		return "0", nil
	}
	if len(digits) > 38 {
		return "", ddbValidation("Attempting to store more than 38 significant digits in a Number")
	}
	if point > 126 {
		return "", ddbValidation("Number overflow. Attempting to store a number with magnitude larger than supported range")
	}
	if point < -129 {
		return "", ddbValidation("Number underflow. Attempting to store a number with magnitude smaller than supported range")
	}
	var b strings.Builder
	if m[1] == "-" {
		b.WriteByte('-')
	}
	switch {
	case point <= 0:
		b.WriteString("0." + strings.Repeat("0", -point) + digits)
	case point >= len(digits):
		b.WriteString(digits + strings.Repeat("0", point-len(digits)))
	default:
		b.WriteString(digits[:point] + "." + digits[point:])
	}
	return b.String(), nil
}

func toDDB(av ddbtypes.AttributeValue) (ddbValue, error) {
	switch v := av.(type) {
	case *ddbtypes.AttributeValueMemberS:
		return ddbValue{T: "S", S: v.Value}, nil
	case *ddbtypes.AttributeValueMemberN:
		n, err := ddbNumber(v.Value)
		return ddbValue{T: "N", S: n}, err
	case *ddbtypes.AttributeValueMemberB:
		return ddbValue{T: "B", B: append([]byte{}, v.Value...)}, nil
	case *ddbtypes.AttributeValueMemberBOOL:
		return ddbValue{T: "BOOL", S: strconv.FormatBool(v.Value)}, nil
	case *ddbtypes.AttributeValueMemberNULL:
		if !v.Value {
			return ddbValue{}, ddbValidation("One or more parameter values were invalid: Null attribute value types must have the value of true")
		}
		return ddbValue{T: "NULL"}, nil
	case *ddbtypes.AttributeValueMemberM:
		out := ddbValue{T: "M", M: map[string]ddbValue{}}
		for k, e := range v.Value {
			x, err := toDDB(e)
			if err != nil {
				return ddbValue{}, err
			}
			out.M[k] = x
		}
		return out, nil
	case *ddbtypes.AttributeValueMemberL:
		out := ddbValue{T: "L", L: []ddbValue{}}
		for _, e := range v.Value {
			x, err := toDDB(e)
			if err != nil {
				return ddbValue{}, err
			}
			out.L = append(out.L, x)
		}
		return out, nil
	case *ddbtypes.AttributeValueMemberSS:
		if len(v.Value) == 0 {
			return ddbValue{}, ddbValidation("One or more parameter values were invalid: An string set  may not be empty")
		}
		if ddbDupStrings(v.Value) {
			return ddbValue{}, ddbValidation("One or more parameter values were invalid: Input collection [%s] contains duplicates.", strings.Join(v.Value, ", "))
		}
		return ddbValue{T: "SS", SS: append([]string{}, v.Value...)}, nil
	case *ddbtypes.AttributeValueMemberNS:
		if len(v.Value) == 0 {
			return ddbValue{}, ddbValidation("One or more parameter values were invalid: An number set  may not be empty")
		}
		out := ddbValue{T: "NS"}
		for _, s := range v.Value {
			n, err := ddbNumber(s)
			if err != nil {
				return ddbValue{}, err
			}
			out.SS = append(out.SS, n)
		}
		if ddbDupStrings(out.SS) {
			return ddbValue{}, ddbValidation("One or more parameter values were invalid: Input collection [%s] contains duplicates.", strings.Join(v.Value, ", "))
		}
		return out, nil
	case *ddbtypes.AttributeValueMemberBS:
		if len(v.Value) == 0 {
			return ddbValue{}, ddbValidation("One or more parameter values were invalid: An binary set  may not be empty")
		}
		out := ddbValue{T: "BS"}
		seen := map[string]bool{}
		for _, b := range v.Value {
			if seen[string(b)] {
				return ddbValue{}, ddbValidation("One or more parameter values were invalid: Input collection contains duplicates.")
			}
			seen[string(b)] = true
			out.BS = append(out.BS, append([]byte{}, b...))
		}
		return out, nil
	}
	return ddbValue{}, ddbValidation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
}

func ddbDupStrings(xs []string) bool {
	seen := map[string]bool{}
	for _, x := range xs {
		if seen[x] {
			return true
		}
		seen[x] = true
	}
	return false
}

func fromDDB(v ddbValue) ddbtypes.AttributeValue {
	switch v.T {
	case "S":
		return &ddbtypes.AttributeValueMemberS{Value: v.S}
	case "N":
		return &ddbtypes.AttributeValueMemberN{Value: v.S}
	case "B":
		return &ddbtypes.AttributeValueMemberB{Value: append([]byte{}, v.B...)}
	case "BOOL":
		return &ddbtypes.AttributeValueMemberBOOL{Value: v.S == "true"}
	case "NULL":
		return &ddbtypes.AttributeValueMemberNULL{Value: true}
	case "M":
		m := map[string]ddbtypes.AttributeValue{}
		for k, e := range v.M {
			m[k] = fromDDB(e)
		}
		return &ddbtypes.AttributeValueMemberM{Value: m}
	case "L":
		l := make([]ddbtypes.AttributeValue, 0, len(v.L))
		for _, e := range v.L {
			l = append(l, fromDDB(e))
		}
		return &ddbtypes.AttributeValueMemberL{Value: l}
	case "SS":
		return &ddbtypes.AttributeValueMemberSS{Value: append([]string{}, v.SS...)}
	case "NS":
		return &ddbtypes.AttributeValueMemberNS{Value: append([]string{}, v.SS...)}
	case "BS":
		bs := make([][]byte, 0, len(v.BS))
		for _, b := range v.BS {
			bs = append(bs, append([]byte{}, b...))
		}
		return &ddbtypes.AttributeValueMemberBS{Value: bs}
	}
	return &ddbtypes.AttributeValueMemberNULL{Value: true}
}

func ddbToItem(m map[string]ddbtypes.AttributeValue) (ddbItem, error) {
	out := ddbItem{}
	for k, v := range m {
		if k == "" {
			return nil, ddbValidation("One or more parameter values were invalid: An AttributeValue may not contain an empty attribute name")
		}
		x, err := toDDB(v)
		if err != nil {
			return nil, err
		}
		out[k] = x
	}
	return out, nil
}

func (it ddbItem) out() map[string]ddbtypes.AttributeValue {
	m := make(map[string]ddbtypes.AttributeValue, len(it))
	for k, v := range it {
		m[k] = fromDDB(v)
	}
	return m
}

func (v ddbValue) size() int {
	switch v.T {
	case "S", "N":
		return len(v.S)
	case "B":
		return len(v.B)
	case "BOOL", "NULL":
		return 1
	case "M":
		n := 3
		for k, e := range v.M {
			n += len(k) + e.size() + 1
		}
		return n
	case "L":
		n := 3
		for _, e := range v.L {
			n += e.size() + 1
		}
		return n
	case "SS", "NS":
		n := 0
		for _, s := range v.SS {
			n += len(s)
		}
		return n
	case "BS":
		n := 0
		for _, b := range v.BS {
			n += len(b)
		}
		return n
	}
	return 0
}

func (it ddbItem) size() int {
	n := 0
	for k, v := range it {
		n += len(k) + v.size()
	}
	return n
}

func ddbEqual(a, b ddbValue) bool {
	if a.T != b.T {
		return false
	}
	switch a.T {
	case "S", "BOOL":
		return a.S == b.S
	case "N":
		return ddbNumCmp(a.S, b.S) == 0
	case "B":
		return bytes.Equal(a.B, b.B)
	case "NULL":
		return true
	case "M":
		if len(a.M) != len(b.M) {
			return false
		}
		for k, x := range a.M {
			y, ok := b.M[k]
			if !ok || !ddbEqual(x, y) {
				return false
			}
		}
		return true
	case "L":
		if len(a.L) != len(b.L) {
			return false
		}
		for i := range a.L {
			if !ddbEqual(a.L[i], b.L[i]) {
				return false
			}
		}
		return true
	case "SS", "NS":
		if len(a.SS) != len(b.SS) {
			return false
		}
		set := map[string]bool{}
		for _, s := range a.SS {
			set[s] = true
		}
		for _, s := range b.SS {
			if !set[s] {
				return false
			}
		}
		return true
	case "BS":
		if len(a.BS) != len(b.BS) {
			return false
		}
		set := map[string]bool{}
		for _, s := range a.BS {
			set[string(s)] = true
		}
		for _, s := range b.BS {
			if !set[string(s)] {
				return false
			}
		}
		return true
	}
	return false
}

func ddbNumCmp(a, b string) int {
	x, _, _ := big.ParseFloat(a, 10, 256, big.ToNearestEven)
	y, _, _ := big.ParseFloat(b, 10, 256, big.ToNearestEven)
	if x == nil || y == nil {
		return strings.Compare(a, b)
	}
	return x.Cmp(y)
}

// ddbCmp orders two scalars of the same type (ok false otherwise).
func ddbCmp(a, b ddbValue) (int, bool) {
	if a.T != b.T {
		return 0, false
	}
	switch a.T {
	case "S":
		return strings.Compare(a.S, b.S), true
	case "N":
		return ddbNumCmp(a.S, b.S), true
	case "B":
		return bytes.Compare(a.B, b.B), true
	}
	return 0, false
}

// --- keys ---

func ddbKeyPart(v ddbValue) string {
	if v.T == "B" {
		return "B:" + base64.StdEncoding.EncodeToString(v.B)
	}
	return v.T + ":" + v.S
}

func (tb *ddbTable) itemKey(it ddbItem) string {
	var parts []string
	for _, k := range tb.Keys {
		parts = append(parts, ddbKeyPart(it[k.Name]))
	}
	return strings.Join(parts, "\x00")
}

// checkKeyAttrs checks an item's (or a key's) key attributes against the
// schema; exact: the map must hold the key attributes and nothing else.
func (tb *ddbTable) checkKeyAttrs(it ddbItem, exact bool) error {
	for _, k := range tb.Keys {
		v, ok := it[k.Name]
		if !ok {
			if exact {
				return ddbValidation("The provided key element does not match the schema")
			}
			return ddbValidation("One or more parameter values were invalid: Missing the key %s in the item", k.Name)
		}
		want := tb.attrType(k.Name)
		if v.T != want {
			if exact {
				return ddbValidation("The provided key element does not match the schema")
			}
			return ddbValidation("One or more parameter values were invalid: Type mismatch for key %s expected: %s actual: %s", k.Name, want, v.T)
		}
		if (v.T == "S" && v.S == "") || (v.T == "B" && len(v.B) == 0) {
			return ddbValidation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty %s value. Key: %s",
				map[string]string{"S": "string", "B": "binary"}[v.T], k.Name)
		}
		if v.T == "S" && len(v.S) > 2048 && k.Type == "HASH" || v.T == "S" && len(v.S) > 1024 && k.Type == "RANGE" {
			return ddbValidation("One or more parameter values were invalid: Size of key %s exceeds the maximum allowed", k.Name)
		}
	}
	if exact && len(it) != len(tb.Keys) {
		return ddbValidation("The provided key element does not match the schema")
	}
	return nil
}

// checkIndexAttrs checks index key attributes an item carries.
func (tb *ddbTable) checkIndexAttrs(it ddbItem) error {
	for _, idx := range append(append([]ddbIndex(nil), tb.GSIs...), tb.LSIs...) {
		for _, k := range idx.Keys {
			v, ok := it[k.Name]
			if !ok {
				continue
			}
			if want := tb.attrType(k.Name); v.T != want {
				return ddbValidation("One or more parameter values were invalid: Type mismatch for Index Key %s Expected: %s Actual: %s IndexName: %s", k.Name, want, v.T, idx.Name)
			}
			if (v.T == "S" && v.S == "") || (v.T == "B" && len(v.B) == 0) {
				return ddbValidation("One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: %s, IndexKey: %s", idx.Name, k.Name)
			}
		}
	}
	return nil
}

// indexItems are the table's items that carry an index's key attributes.
func (tb *ddbTable) indexItems(keys []ddbKey) []ddbItem {
	var out []ddbItem
	for _, k := range sortedKeys(tb.Items) {
		it := tb.Items[k]
		ok := true
		for _, key := range keys {
			if _, has := it[key.Name]; !has {
				ok = false
			}
		}
		if ok {
			out = append(out, it)
		}
	}
	return out
}

// --- expressions ---

// exprCtx resolves #names and :values and records which were used.
type exprCtx struct {
	names     map[string]string
	values    map[string]ddbValue
	usedNames map[string]bool
	usedVals  map[string]bool
	what      string // "ConditionExpression", … for messages
}

func newExprCtx(names map[string]string, vals map[string]ddbtypes.AttributeValue) (*exprCtx, error) {
	c := &exprCtx{names: names, values: map[string]ddbValue{}, usedNames: map[string]bool{}, usedVals: map[string]bool{}}
	for k, v := range vals {
		if !strings.HasPrefix(k, ":") {
			return nil, ddbValidation("ExpressionAttributeValues contains invalid key: Syntax error; key: \"%s\"", k)
		}
		x, err := toDDB(v)
		if err != nil {
			return nil, ddbValidation("ExpressionAttributeValues contains invalid value: %s for key %s", strings.TrimPrefix(err.Error(), "ValidationException: "), k)
		}
		c.values[k] = x
	}
	for k := range names {
		if !strings.HasPrefix(k, "#") {
			return nil, ddbValidation("ExpressionAttributeNames contains invalid key: Syntax error; key: \"%s\"", k)
		}
	}
	return c, nil
}

// finish reports unused names and values, as DynamoDB does.
func (c *exprCtx) finish() error {
	var un, uv []string
	for k := range c.names {
		if !c.usedNames[k] {
			un = append(un, k)
		}
	}
	for k := range c.values {
		if !c.usedVals[k] {
			uv = append(uv, k)
		}
	}
	sort.Strings(un)
	sort.Strings(uv)
	if len(un) > 0 {
		return ddbValidation("Value provided in ExpressionAttributeNames unused in expressions: keys: {%s}", strings.Join(un, ", "))
	}
	if len(uv) > 0 {
		return ddbValidation("Value provided in ExpressionAttributeValues unused in expressions: keys: {%s}", strings.Join(uv, ", "))
	}
	return nil
}

// ddbReserved are common words of DynamoDB's reserved list (the full list
// is longer): they must be written as #names.
var ddbReserved = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`ABORT ACTION ADD AFTER ALL ALTER AND ANY AS ASC AT ATTRIBUTE AUTHORIZATION AVG BEFORE BEGIN BETWEEN BINARY BOOLEAN
		BOTH BY CALL CASCADE CASE CAST CHAR CHARACTER CHECK CLOSE COLLECTION COLUMN COLUMNS COMMENT COMMIT CONDITION CONNECT CONNECTION
		COUNT CREATE CROSS CURRENT CURSOR CYCLE DATA DATABASE DATE DAY DEC DECIMAL DECLARE DEFAULT DELETE DESC DESCRIBE DOMAIN DOUBLE
		DROP EACH ELEMENT ELSE END ESCAPE EXCEPT EXEC EXECUTE EXISTS EXIT FALSE FETCH FILTER FIRST FLOAT FOR FOREIGN FROM FULL FUNCTION
		GENERAL GET GLOBAL GO GOTO GRANT GROUP HASH HAVING HOUR IF IGNORE IN INDEX INNER INPUT INSERT INT INTEGER INTO IS ITEM ITEMS
		JOIN KEY KEYS LANGUAGE LAST LEFT LEVEL LIKE LIMIT LIST LOCAL LOCATION LOCK LONG LOOP MAP MATCH MAX MEMBER MERGE MIN MINUTE
		MODE MONTH NAME NAMES NEXT NO NOT NULL NUMBER OBJECT OF OFFSET ON ONLY OPEN OPTION OR ORDER OUTER OUTPUT OWNER PARTITION PATH
		PERCENT PRIMARY PRIOR PRIVATE PUBLIC RANGE READ REAL REFERENCE REGION RELATIVE RENAME REPLACE RESULT RETURN RETURNING RIGHT ROLE
		ROLLBACK ROW ROWS SCHEMA SECOND SECTION SELECT SESSION SET SHARD SIZE SOME SOURCE SPACE START STATE STATUS STRING SUM SYSTEM
		TABLE TEMPORARY TEXT THEN TIME TIMESTAMP TO TOP TRANSACTION TRIGGER TRUE TTL TYPE UNDO UNION UNIQUE UNIT UNKNOWN UPDATE UPPER
		URL USAGE USE USER USERS USING UUID VALUE VALUES VARCHAR VIEW WHEN WHERE WHILE WITH WITHIN WORK WRITE YEAR ZONE`) {
		ddbReserved[w] = true
	}
}

type pathStep struct {
	name  string
	index int // -1 for a name step
}

type operand struct {
	path  []pathStep
	value *ddbValue
	size  bool // size(path)
}

type ddbExpr struct {
	op   string // AND OR NOT CMP BETWEEN IN FN
	cmp  string
	kids []*ddbExpr
	args []operand
	fn   string
}

type exprLexer struct {
	s   string
	pos int
	c   *exprCtx
}

func (l *exprLexer) err(format string, args ...any) error {
	return ddbValidation("Invalid %s: %s", l.c.what, fmt.Sprintf(format, args...))
}

func (l *exprLexer) skip() {
	for l.pos < len(l.s) && strings.ContainsRune(" \t\r\n", rune(l.s[l.pos])) {
		l.pos++
	}
}

func (l *exprLexer) peekWord() string {
	l.skip()
	i := l.pos
	for i < len(l.s) && (ddbIdentChar(l.s[i])) {
		i++
	}
	return l.s[l.pos:i]
}

func ddbIdentChar(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

func (l *exprLexer) accept(tok string) bool {
	l.skip()
	if strings.HasPrefix(l.s[l.pos:], tok) {
		if ddbIdentChar(tok[0]) && l.pos+len(tok) < len(l.s) && ddbIdentChar(l.s[l.pos+len(tok)]) {
			return false
		}
		l.pos += len(tok)
		return true
	}
	return false
}

func (l *exprLexer) keyword(kw string) bool {
	w := l.peekWord()
	if strings.EqualFold(w, kw) {
		l.pos += len(w)
		return true
	}
	return false
}

func parseDDBExpr(s string, c *exprCtx) (*ddbExpr, error) {
	l := &exprLexer{s: s, c: c}
	if strings.TrimSpace(s) == "" {
		return nil, ddbValidation("Invalid %s: The expression can not be empty;", c.what)
	}
	e, err := l.or()
	if err != nil {
		return nil, err
	}
	l.skip()
	if l.pos < len(l.s) {
		return nil, l.err("Syntax error; token: \"%s\", near: \"%s\"", l.s[l.pos:min(len(l.s), l.pos+8)], l.s[max(0, l.pos-8):l.pos])
	}
	return e, nil
}

func (l *exprLexer) or() (*ddbExpr, error) {
	e, err := l.and()
	if err != nil {
		return nil, err
	}
	for l.keyword("OR") {
		r, err := l.and()
		if err != nil {
			return nil, err
		}
		e = &ddbExpr{op: "OR", kids: []*ddbExpr{e, r}}
	}
	return e, nil
}

func (l *exprLexer) and() (*ddbExpr, error) {
	e, err := l.not()
	if err != nil {
		return nil, err
	}
	for l.keyword("AND") {
		r, err := l.not()
		if err != nil {
			return nil, err
		}
		e = &ddbExpr{op: "AND", kids: []*ddbExpr{e, r}}
	}
	return e, nil
}

func (l *exprLexer) not() (*ddbExpr, error) {
	if l.keyword("NOT") {
		e, err := l.not()
		if err != nil {
			return nil, err
		}
		return &ddbExpr{op: "NOT", kids: []*ddbExpr{e}}, nil
	}
	return l.primary()
}

var ddbFuncs = map[string]int{"attribute_exists": 1, "attribute_not_exists": 1, "attribute_type": 2, "begins_with": 2, "contains": 2}

func (l *exprLexer) primary() (*ddbExpr, error) {
	if l.accept("(") {
		e, err := l.or()
		if err != nil {
			return nil, err
		}
		if !l.accept(")") {
			return nil, l.err("Syntax error; missing ')'")
		}
		return e, nil
	}
	w := l.peekWord()
	if n, ok := ddbFuncs[w]; ok {
		save := l.pos
		l.pos += len(w)
		if l.accept("(") {
			var args []operand
			for i := 0; i < n; i++ {
				if i > 0 && !l.accept(",") {
					return nil, l.err("Incorrect number of operands for operator or function; operator or function: %s, number of operands: %d", w, i)
				}
				a, err := l.operand()
				if err != nil {
					return nil, err
				}
				args = append(args, a)
			}
			if !l.accept(")") {
				return nil, l.err("Incorrect number of operands for operator or function; operator or function: %s", w)
			}
			if args[0].path == nil {
				return nil, l.err("Operator or function requires a document path; operator or function: %s", w)
			}
			return &ddbExpr{op: "FN", fn: w, args: args}, nil
		}
		l.pos = save
	}
	left, err := l.operand()
	if err != nil {
		return nil, err
	}
	if l.keyword("BETWEEN") {
		lo, err := l.operand()
		if err != nil {
			return nil, err
		}
		if !l.keyword("AND") {
			return nil, l.err("Syntax error; BETWEEN needs AND")
		}
		hi, err := l.operand()
		if err != nil {
			return nil, err
		}
		return &ddbExpr{op: "BETWEEN", args: []operand{left, lo, hi}}, nil
	}
	if l.keyword("IN") {
		if !l.accept("(") {
			return nil, l.err("Syntax error; IN needs a list")
		}
		args := []operand{left}
		for {
			a, err := l.operand()
			if err != nil {
				return nil, err
			}
			args = append(args, a)
			if l.accept(")") {
				break
			}
			if !l.accept(",") {
				return nil, l.err("Syntax error in IN list")
			}
		}
		return &ddbExpr{op: "IN", args: args}, nil
	}
	for _, op := range []string{"<>", "<=", ">=", "=", "<", ">"} {
		if l.accept(op) {
			right, err := l.operand()
			if err != nil {
				return nil, err
			}
			return &ddbExpr{op: "CMP", cmp: op, args: []operand{left, right}}, nil
		}
	}
	return nil, l.err("Syntax error; a condition needs a comparator, BETWEEN, IN or a function")
}

func (l *exprLexer) operand() (operand, error) {
	l.skip()
	if l.pos >= len(l.s) {
		return operand{}, l.err("Syntax error; unexpected end of expression")
	}
	if l.s[l.pos] == ':' {
		i := l.pos + 1
		for i < len(l.s) && ddbIdentChar(l.s[i]) {
			i++
		}
		name := l.s[l.pos:i]
		l.pos = i
		v, ok := l.c.values[name]
		if !ok {
			return operand{}, l.err("An expression attribute value used in expression is not defined; attribute value: %s", name)
		}
		l.c.usedVals[name] = true
		return operand{value: &v}, nil
	}
	if w := l.peekWord(); w == "size" {
		save := l.pos
		l.pos += len(w)
		if l.accept("(") {
			p, err := l.path()
			if err != nil {
				return operand{}, err
			}
			if !l.accept(")") {
				return operand{}, l.err("Syntax error; size needs ')'")
			}
			return operand{path: p, size: true}, nil
		}
		l.pos = save
	}
	p, err := l.path()
	return operand{path: p}, err
}

func (l *exprLexer) path() ([]pathStep, error) {
	var steps []pathStep
	for {
		l.skip()
		if l.pos >= len(l.s) {
			return nil, l.err("Syntax error; unexpected end of expression")
		}
		var name string
		if l.s[l.pos] == '#' {
			i := l.pos + 1
			for i < len(l.s) && ddbIdentChar(l.s[i]) {
				i++
			}
			alias := l.s[l.pos:i]
			l.pos = i
			n, ok := l.c.names[alias]
			if !ok {
				return nil, l.err("An expression attribute name used in the document path is not defined; attribute name: %s", alias)
			}
			l.c.usedNames[alias] = true
			name = n
		} else {
			i := l.pos
			for i < len(l.s) && ddbIdentChar(l.s[i]) {
				i++
			}
			name = l.s[l.pos:i]
			if name == "" {
				return nil, l.err("Syntax error; token: \"%s\"", l.s[l.pos:min(len(l.s), l.pos+1)])
			}
			if name[0] >= '0' && name[0] <= '9' {
				return nil, l.err("Syntax error; token: \"%s\"", name)
			}
			if ddbReserved[strings.ToUpper(name)] {
				return nil, l.err("Attribute name is a reserved keyword; reserved keyword: %s", name)
			}
			l.pos = i
		}
		steps = append(steps, pathStep{name: name, index: -1})
		for l.pos < len(l.s) && l.s[l.pos] == '[' {
			end := strings.IndexByte(l.s[l.pos:], ']')
			if end < 0 {
				return nil, l.err("Syntax error; missing ']'")
			}
			n, err := strconv.Atoi(l.s[l.pos+1 : l.pos+end])
			if err != nil || n < 0 {
				return nil, l.err("Syntax error; invalid list index")
			}
			steps = append(steps, pathStep{index: n})
			l.pos += end + 1
		}
		if l.pos < len(l.s) && l.s[l.pos] == '.' {
			l.pos++
			continue
		}
		return steps, nil
	}
}

func resolvePath(it ddbItem, p []pathStep) (ddbValue, bool) {
	var cur ddbValue
	for i, s := range p {
		if i == 0 {
			v, ok := it[s.name]
			if !ok {
				return ddbValue{}, false
			}
			cur = v
			continue
		}
		if s.index >= 0 {
			if cur.T != "L" || s.index >= len(cur.L) {
				return ddbValue{}, false
			}
			cur = cur.L[s.index]
		} else {
			if cur.T != "M" {
				return ddbValue{}, false
			}
			v, ok := cur.M[s.name]
			if !ok {
				return ddbValue{}, false
			}
			cur = v
		}
	}
	return cur, true
}

func (o operand) eval(it ddbItem) (ddbValue, bool) {
	if o.value != nil {
		return *o.value, true
	}
	v, ok := resolvePath(it, o.path)
	if !ok || !o.size {
		return v, ok
	}
	n := 0
	switch v.T {
	case "S":
		n = len(v.S)
	case "B":
		n = len(v.B)
	case "M":
		n = len(v.M)
	case "L":
		n = len(v.L)
	case "SS", "NS":
		n = len(v.SS)
	case "BS":
		n = len(v.BS)
	default:
		return ddbValue{}, false
	}
	return ddbValue{T: "N", S: strconv.Itoa(n)}, true
}

func (e *ddbExpr) eval(it ddbItem) bool {
	switch e.op {
	case "AND":
		return e.kids[0].eval(it) && e.kids[1].eval(it)
	case "OR":
		return e.kids[0].eval(it) || e.kids[1].eval(it)
	case "NOT":
		return !e.kids[0].eval(it)
	case "CMP":
		a, okA := e.args[0].eval(it)
		b, okB := e.args[1].eval(it)
		if !okA || !okB {
			return e.cmp == "<>" && okA != okB
		}
		switch e.cmp {
		case "=":
			return ddbEqual(a, b)
		case "<>":
			return !ddbEqual(a, b)
		}
		c, ok := ddbCmp(a, b)
		if !ok {
			return false
		}
		switch e.cmp {
		case "<":
			return c < 0
		case "<=":
			return c <= 0
		case ">":
			return c > 0
		}
		return c >= 0
	case "BETWEEN":
		v, ok1 := e.args[0].eval(it)
		lo, ok2 := e.args[1].eval(it)
		hi, ok3 := e.args[2].eval(it)
		if !ok1 || !ok2 || !ok3 {
			return false
		}
		c1, okA := ddbCmp(v, lo)
		c2, okB := ddbCmp(v, hi)
		return okA && okB && c1 >= 0 && c2 <= 0
	case "IN":
		v, ok := e.args[0].eval(it)
		if !ok {
			return false
		}
		for _, a := range e.args[1:] {
			if w, ok := a.eval(it); ok && ddbEqual(v, w) {
				return true
			}
		}
		return false
	case "FN":
		v, has := resolvePath(it, e.args[0].path)
		switch e.fn {
		case "attribute_exists":
			return has
		case "attribute_not_exists":
			return !has
		}
		arg, ok := e.args[1].eval(it)
		if !has || !ok {
			return false
		}
		switch e.fn {
		case "attribute_type":
			return arg.T == "S" && v.T == arg.S
		case "begins_with":
			switch {
			case v.T == "S" && arg.T == "S":
				return strings.HasPrefix(v.S, arg.S)
			case v.T == "B" && arg.T == "B":
				return bytes.HasPrefix(v.B, arg.B)
			}
			return false
		case "contains":
			switch v.T {
			case "S":
				return arg.T == "S" && strings.Contains(v.S, arg.S)
			case "B":
				return arg.T == "B" && bytes.Contains(v.B, arg.B)
			case "SS":
				return arg.T == "S" && strIn(v.SS, arg.S)
			case "NS":
				if arg.T == "N" {
					for _, n := range v.SS {
						if ddbNumCmp(n, arg.S) == 0 {
							return true
						}
					}
				}
				return false
			case "BS":
				for _, b := range v.BS {
					if arg.T == "B" && bytes.Equal(b, arg.B) {
						return true
					}
				}
				return false
			case "L":
				for _, x := range v.L {
					if ddbEqual(x, arg) {
						return true
					}
				}
			}
			return false
		}
	}
	return false
}

func strIn(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// projection parses a ProjectionExpression into paths.
func parseProjection(s string, c *exprCtx) ([][]pathStep, error) {
	l := &exprLexer{s: s, c: c}
	var out [][]pathStep
	for {
		p, err := l.path()
		if err != nil {
			return nil, err
		}
		out = append(out, p)
		if !l.accept(",") {
			break
		}
	}
	l.skip()
	if l.pos < len(l.s) {
		return nil, l.err("Syntax error; token: \"%s\"", l.s[l.pos:min(len(l.s), l.pos+8)])
	}
	return out, nil
}

// ddbProject copies the projected paths of an item (top-level and
// nested; projected list elements come back compacted, as DynamoDB does).
func ddbProject(it ddbItem, paths [][]pathStep) ddbItem {
	out := ddbItem{}
	for _, p := range paths {
		v, ok := resolvePath(it, p)
		if !ok {
			continue
		}
		cur, has := out[p[0].name]
		out[p[0].name] = mergePath(cur, has, p[1:], v)
	}
	return out
}

func mergePath(cur ddbValue, has bool, steps []pathStep, v ddbValue) ddbValue {
	if len(steps) == 0 {
		return v
	}
	s := steps[0]
	if s.index >= 0 {
		l := ddbValue{T: "L"}
		if has && cur.T == "L" {
			l.L = append([]ddbValue(nil), cur.L...)
		}
		l.L = append(l.L, mergePath(ddbValue{}, false, steps[1:], v))
		return l
	}
	m := ddbValue{T: "M", M: map[string]ddbValue{}}
	if has && cur.T == "M" {
		for k, x := range cur.M {
			m.M[k] = x
		}
	}
	old, ok := m.M[s.name]
	m.M[s.name] = mergePath(old, ok, steps[1:], v)
	return m
}

// --- items ---

func ddbConsumed(rc ddbtypes.ReturnConsumedCapacity, table string, units float64) *ddbtypes.ConsumedCapacity {
	switch rc {
	case ddbtypes.ReturnConsumedCapacityTotal:
		return &ddbtypes.ConsumedCapacity{TableName: aws.String(table), CapacityUnits: aws.Float64(units)}
	case ddbtypes.ReturnConsumedCapacityIndexes:
		return &ddbtypes.ConsumedCapacity{TableName: aws.String(table), CapacityUnits: aws.Float64(units), Table: &ddbtypes.Capacity{CapacityUnits: aws.Float64(units)}}
	}
	return nil
}

func (a *dynamodbAPI) PutItem(ctx context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	return call(ctx, a.s, svcDynamoDB, "PutItem", func(t *tx) (*dynamodb.PutItemOutput, error) {
		if len(in.Expected) > 0 && in.ConditionExpression != nil {
			return nil, ddbValidation("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}")
		}
		if len(in.Expected) > 0 {
			return nil, ddbValidation("The sandbox supports ConditionExpression, not the legacy Expected parameter.")
		}
		switch in.ReturnValues {
		case "", ddbtypes.ReturnValueNone, ddbtypes.ReturnValueAllOld:
		default:
			return nil, ddbValidation("Return values set to invalid value")
		}
		tb, err := t.dataTable(aws.ToString(in.TableName))
		if err != nil {
			return nil, err
		}
		it, err := ddbToItem(in.Item)
		if err != nil {
			return nil, err
		}
		if err := tb.checkKeyAttrs(it, false); err != nil {
			return nil, err
		}
		if err := tb.checkIndexAttrs(it); err != nil {
			return nil, err
		}
		if it.size() > 400*1024 {
			return nil, ddbValidation("Item size has exceeded the maximum allowed size")
		}
		c, err := newExprCtx(in.ExpressionAttributeNames, in.ExpressionAttributeValues)
		if err != nil {
			return nil, err
		}
		c.what = "ConditionExpression"
		var cond *ddbExpr
		if in.ConditionExpression != nil {
			if cond, err = parseDDBExpr(*in.ConditionExpression, c); err != nil {
				return nil, err
			}
		}
		if err := c.finish(); err != nil {
			return nil, err
		}
		k := tb.itemKey(it)
		old, had := tb.Items[k]
		if cond != nil {
			cur := old
			if !had {
				cur = ddbItem{}
			}
			if !cond.eval(cur) {
				e := &ddbtypes.ConditionalCheckFailedException{Message: aws.String("The conditional request failed")}
				if in.ReturnValuesOnConditionCheckFailure == ddbtypes.ReturnValuesOnConditionCheckFailureAllOld && had {
					e.Item = old.out()
				}
				return nil, e
			}
		}
		tb.Items[k] = it
		out := &dynamodb.PutItemOutput{ConsumedCapacity: ddbConsumed(in.ReturnConsumedCapacity, tb.Name, float64(1+it.size()/1024))}
		if in.ReturnValues == ddbtypes.ReturnValueAllOld && had {
			out.Attributes = old.out()
		}
		return out, nil
	})
}

func (a *dynamodbAPI) GetItem(ctx context.Context, in *dynamodb.GetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return call(ctx, a.s, svcDynamoDB, "GetItem", func(t *tx) (*dynamodb.GetItemOutput, error) {
		if len(in.AttributesToGet) > 0 && in.ProjectionExpression != nil {
			return nil, ddbValidation("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}")
		}
		tb, err := t.dataTable(aws.ToString(in.TableName))
		if err != nil {
			return nil, err
		}
		key, err := ddbToItem(in.Key)
		if err != nil {
			return nil, err
		}
		if err := tb.checkKeyAttrs(key, true); err != nil {
			return nil, err
		}
		c, err := newExprCtx(in.ExpressionAttributeNames, nil)
		if err != nil {
			return nil, err
		}
		c.what = "ProjectionExpression"
		var paths [][]pathStep
		if in.ProjectionExpression != nil {
			if paths, err = parseProjection(*in.ProjectionExpression, c); err != nil {
				return nil, err
			}
		}
		for _, n := range in.AttributesToGet {
			paths = append(paths, []pathStep{{name: n, index: -1}})
		}
		if err := c.finish(); err != nil {
			return nil, err
		}
		out := &dynamodb.GetItemOutput{ConsumedCapacity: ddbConsumed(in.ReturnConsumedCapacity, tb.Name, 0.5)}
		if it, ok := tb.Items[tb.itemKey(key)]; ok {
			if paths != nil {
				it = ddbProject(it, paths)
			}
			out.Item = it.out()
		}
		return out, nil
	})
}

// keyCondition splits a KeyConditionExpression into the hash key value
// and an optional range condition, checking DynamoDB's rules.
func ddbKeyCondition(e *ddbExpr, hash, rng string, l func(string, ...any) error) (ddbValue, *ddbExpr, error) {
	var parts []*ddbExpr
	switch e.op {
	case "AND":
		if e.kids[0].op == "AND" || e.kids[1].op == "AND" {
			return ddbValue{}, nil, l("KeyConditionExpressions must only contain one condition per key")
		}
		parts = e.kids
	case "CMP", "BETWEEN", "FN":
		parts = []*ddbExpr{e}
	default:
		return ddbValue{}, nil, l("Invalid operator used in KeyConditionExpression: %s", e.op)
	}
	var hv *ddbValue
	var rc *ddbExpr
	for _, p := range parts {
		if p.op != "CMP" && p.op != "BETWEEN" && !(p.op == "FN" && p.fn == "begins_with") {
			op := p.op
			if p.op == "FN" {
				op = p.fn
			}
			return ddbValue{}, nil, l("Invalid operator used in KeyConditionExpression: %s", op)
		}
		if p.op == "CMP" && p.cmp == "<>" {
			return ddbValue{}, nil, l("Unsupported operator in KeyConditionExpression: <>")
		}
		a := p.args[0]
		if a.path == nil || a.size || len(a.path) != 1 {
			return ddbValue{}, nil, l("KeyConditionExpressions must only contain key attributes on the left of a condition")
		}
		for _, x := range p.args[1:] {
			if x.value == nil {
				return ddbValue{}, nil, l("KeyConditionExpressions must compare key attributes with values")
			}
		}
		switch a.path[0].name {
		case hash:
			if p.op != "CMP" || p.cmp != "=" {
				return ddbValue{}, nil, l("Query key condition not supported")
			}
			if hv != nil {
				return ddbValue{}, nil, l("KeyConditionExpressions must only contain one condition per key")
			}
			hv = p.args[1].value
		case rng:
			if rng == "" || rc != nil {
				return ddbValue{}, nil, l("KeyConditionExpressions must only contain one condition per key")
			}
			rc = p
		default:
			return ddbValue{}, nil, ddbValidation("Query condition missed key schema element: %s", hash)
		}
	}
	if hv == nil {
		return ddbValue{}, nil, ddbValidation("Query condition missed key schema element: %s", hash)
	}
	return *hv, rc, nil
}

func (a *dynamodbAPI) Query(ctx context.Context, in *dynamodb.QueryInput, _ ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	return call(ctx, a.s, svcDynamoDB, "Query", func(t *tx) (*dynamodb.QueryOutput, error) {
		if in.KeyConditionExpression != nil && len(in.KeyConditions) > 0 {
			return nil, ddbValidation("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}")
		}
		if in.KeyConditionExpression == nil && len(in.KeyConditions) == 0 {
			return nil, ddbValidation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
		}
		if len(in.QueryFilter) > 0 || in.ConditionalOperator != "" {
			return nil, ddbValidation("The sandbox supports FilterExpression, not the legacy QueryFilter parameter.")
		}
		if in.Limit != nil && *in.Limit < 1 {
			return nil, ddbValidation("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1", *in.Limit)
		}
		tb, err := t.dataTable(aws.ToString(in.TableName))
		if err != nil {
			return nil, err
		}
		keys, idx := tb.Keys, (*ddbIndex)(nil)
		if n := aws.ToString(in.IndexName); n != "" {
			for i := range tb.GSIs {
				if tb.GSIs[i].Name == n {
					idx = &tb.GSIs[i]
				}
			}
			global := idx != nil
			for i := range tb.LSIs {
				if tb.LSIs[i].Name == n {
					idx = &tb.LSIs[i]
				}
			}
			if idx == nil {
				return nil, ddbValidation("The table does not have the specified index: %s", n)
			}
			if global && aws.ToBool(in.ConsistentRead) {
				return nil, ddbValidation("Consistent reads are not supported on global secondary indexes")
			}
			keys = idx.Keys
		}
		hash, rng := ddbKeyNames(keys)
		c, err := newExprCtx(in.ExpressionAttributeNames, in.ExpressionAttributeValues)
		if err != nil {
			return nil, err
		}
		var hv ddbValue
		var rc *ddbExpr
		if in.KeyConditionExpression != nil {
			c.what = "KeyConditionExpression"
			ke, err := parseDDBExpr(*in.KeyConditionExpression, c)
			if err != nil {
				return nil, err
			}
			lerr := func(f string, args ...any) error {
				return ddbValidation("Invalid KeyConditionExpression: %s", fmt.Sprintf(f, args...))
			}
			if hv, rc, err = ddbKeyCondition(ke, hash, rng, lerr); err != nil {
				return nil, err
			}
		} else {
			if hv, rc, err = ddbLegacyKeyConditions(in.KeyConditions, hash, rng); err != nil {
				return nil, err
			}
		}
		if want := tb.attrType(hash); hv.T != want {
			return nil, ddbValidation("One or more parameter values were invalid: Condition parameter type does not match schema type")
		}
		var filter *ddbExpr
		if in.FilterExpression != nil {
			c.what = "FilterExpression"
			if filter, err = parseDDBExpr(*in.FilterExpression, c); err != nil {
				return nil, err
			}
			for _, k := range append(append([]ddbKey(nil), tb.Keys...), keys...) {
				if ddbFilterUses(filter, k.Name) {
					return nil, ddbValidation("Filter Expression can only contain non-primary key attributes: Primary key attribute: %s", k.Name)
				}
			}
		}
		var paths [][]pathStep
		if in.ProjectionExpression != nil {
			c.what = "ProjectionExpression"
			if paths, err = parseProjection(*in.ProjectionExpression, c); err != nil {
				return nil, err
			}
		}
		for _, n := range in.AttributesToGet {
			paths = append(paths, []pathStep{{name: n, index: -1}})
		}
		if err := c.finish(); err != nil {
			return nil, err
		}
		sel := in.Select
		switch sel {
		case "":
			if len(paths) > 0 {
				sel = ddbtypes.SelectSpecificAttributes
			}
		case ddbtypes.SelectSpecificAttributes:
			if len(paths) == 0 {
				return nil, ddbValidation("1 validation error detected: SPECIFIC_ATTRIBUTES needs a ProjectionExpression")
			}
		case ddbtypes.SelectCount, ddbtypes.SelectAllAttributes, ddbtypes.SelectAllProjectedAttributes:
			if len(paths) > 0 {
				return nil, ddbValidation("Cannot specify the ProjectionExpression when choosing to get %s", sel)
			}
			if sel == ddbtypes.SelectAllProjectedAttributes && idx == nil {
				return nil, ddbValidation("ALL_PROJECTED_ATTRIBUTES can be used only when querying an index")
			}
		default:
			return nil, ddbValidation("1 validation error detected: Value '%s' at 'select' failed to satisfy constraint: Member must satisfy enum value set", sel)
		}
		// Candidates: items with the hash value (and the index keys).
		var cands []ddbItem
		for _, k := range sortedKeys(tb.Items) {
			it := tb.Items[k]
			v, ok := it[hash]
			if !ok || !ddbEqual(v, hv) {
				continue
			}
			if rng != "" {
				if _, ok := it[rng]; !ok {
					continue
				}
			}
			if rc != nil && !rc.eval(it) {
				continue
			}
			cands = append(cands, it)
		}
		tkHash, tkRange := ddbKeyNames(tb.Keys)
		sort.SliceStable(cands, func(i, j int) bool {
			for _, n := range []string{rng, tkHash, tkRange} {
				if n == "" {
					continue
				}
				if c, ok := ddbCmp(cands[i][n], cands[j][n]); ok && c != 0 {
					return c < 0
				}
			}
			return false
		})
		if in.ScanIndexForward != nil && !*in.ScanIndexForward {
			for i, j := 0, len(cands)-1; i < j; i, j = i+1, j-1 {
				cands[i], cands[j] = cands[j], cands[i]
			}
		}
		keyAttrs := map[string]bool{tkHash: true}
		if tkRange != "" {
			keyAttrs[tkRange] = true
		}
		for _, k := range keys {
			keyAttrs[k.Name] = true
		}
		start := 0
		if len(in.ExclusiveStartKey) > 0 {
			esk, err := ddbToItem(in.ExclusiveStartKey)
			if err != nil {
				return nil, err
			}
			if len(esk) != len(keyAttrs) {
				return nil, ddbValidation("The provided starting key is invalid: The provided key element does not match the schema")
			}
			for n := range keyAttrs {
				if _, ok := esk[n]; !ok {
					return nil, ddbValidation("The provided starting key is invalid: The provided key element does not match the schema")
				}
			}
			start = len(cands)
			for i, it := range cands {
				same := true
				for n := range keyAttrs {
					same = same && ddbEqual(it[n], esk[n])
				}
				if same {
					start = i + 1
					break
				}
			}
		}
		limit := len(cands)
		if in.Limit != nil {
			limit = int(*in.Limit)
		}
		out := &dynamodb.QueryOutput{Items: []map[string]ddbtypes.AttributeValue{}}
		end := min(start+limit, len(cands))
		size := 0
		for i := start; i < end; i++ {
			it := cands[i]
			size += it.size()
			if size > 1<<20 && i > start { // 1 MB per page, as DynamoDB
				end = i
				break
			}
			out.ScannedCount++
			if filter != nil && !filter.eval(it) {
				continue
			}
			out.Count++
			if sel == ddbtypes.SelectCount {
				continue
			}
			view := it
			if idx != nil && (sel == "" || sel == ddbtypes.SelectAllProjectedAttributes) && idx.Projection != string(ddbtypes.ProjectionTypeAll) {
				var ps [][]pathStep
				for n := range keyAttrs {
					ps = append(ps, []pathStep{{name: n, index: -1}})
				}
				for _, n := range idx.NonKey {
					ps = append(ps, []pathStep{{name: n, index: -1}})
				}
				view = ddbProject(it, ps)
			}
			if len(paths) > 0 {
				view = ddbProject(it, paths)
			}
			out.Items = append(out.Items, view.out())
		}
		if sel == ddbtypes.SelectCount {
			out.Items = nil
		}
		if end < len(cands) && end > start {
			last := cands[end-1]
			out.LastEvaluatedKey = map[string]ddbtypes.AttributeValue{}
			for n := range keyAttrs {
				out.LastEvaluatedKey[n] = fromDDB(last[n])
			}
		}
		out.ConsumedCapacity = ddbConsumed(in.ReturnConsumedCapacity, tb.Name, float64(1+size/4096)/2)
		return out, nil
	})
}

func ddbFilterUses(e *ddbExpr, name string) bool {
	for _, a := range e.args {
		if len(a.path) > 0 && a.path[0].name == name {
			return true
		}
	}
	for _, k := range e.kids {
		if ddbFilterUses(k, name) {
			return true
		}
	}
	return false
}

// legacyKeyConditions converts Query's KeyConditions parameter.
func ddbLegacyKeyConditions(kc map[string]ddbtypes.Condition, hash, rng string) (ddbValue, *ddbExpr, error) {
	var hv *ddbValue
	var rc *ddbExpr
	for name, c := range kc {
		var vals []ddbValue
		for _, av := range c.AttributeValueList {
			v, err := toDDB(av)
			if err != nil {
				return ddbValue{}, nil, err
			}
			vals = append(vals, v)
		}
		need := 1
		if c.ComparisonOperator == ddbtypes.ComparisonOperatorBetween {
			need = 2
		}
		if len(vals) != need {
			return ddbValue{}, nil, ddbValidation("One or more parameter values were invalid: Invalid number of argument(s) for the %s ComparisonOperator", c.ComparisonOperator)
		}
		path := []pathStep{{name: name, index: -1}}
		ops := []operand{{path: path}}
		for i := range vals {
			ops = append(ops, operand{value: &vals[i]})
		}
		switch name {
		case hash:
			if c.ComparisonOperator != ddbtypes.ComparisonOperatorEq {
				return ddbValue{}, nil, ddbValidation("Query key condition not supported")
			}
			hv = &vals[0]
		case rng:
			cmp := map[ddbtypes.ComparisonOperator]string{ddbtypes.ComparisonOperatorEq: "=", ddbtypes.ComparisonOperatorLt: "<",
				ddbtypes.ComparisonOperatorLe: "<=", ddbtypes.ComparisonOperatorGt: ">", ddbtypes.ComparisonOperatorGe: ">="}
			switch {
			case cmp[c.ComparisonOperator] != "":
				rc = &ddbExpr{op: "CMP", cmp: cmp[c.ComparisonOperator], args: ops}
			case c.ComparisonOperator == ddbtypes.ComparisonOperatorBetween:
				rc = &ddbExpr{op: "BETWEEN", args: ops}
			case c.ComparisonOperator == ddbtypes.ComparisonOperatorBeginsWith:
				rc = &ddbExpr{op: "FN", fn: "begins_with", args: ops}
			default:
				return ddbValue{}, nil, ddbValidation("Query key condition not supported")
			}
		default:
			return ddbValue{}, nil, ddbValidation("Query condition missed key schema element")
		}
	}
	if hv == nil {
		return ddbValue{}, nil, ddbValidation("Query condition missed key schema element: %s", hash)
	}
	return *hv, rc, nil
}
