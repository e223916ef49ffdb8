package sandbox

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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
	if a, ok := parseARN(ref); ok && a.Service == "dynamodb" && a.is(dynamoTypeTable) {
		n := a.name(dynamoTypeTable)
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

func ddbKV(t ddbtypes.Tag) (string, string) { return aws.ToString(t.Key), aws.ToString(t.Value) }
func ddbTag(k, v string) ddbtypes.Tag       { return ddbtypes.Tag{Key: aws.String(k), Value: aws.String(v)} }

func ddbTooManyTags() error {
	return ddbValidation("One or more parameter values were invalid: a table can have at most 50 tags")
}

func ddbTagMap(ts []ddbtypes.Tag) (map[string]string, error) {
	return checkedTagMap(ts, ddbKV, tagRules{
		size: ddbValidation("One or more parameter values were invalid: tag keys must be 1 to 128 characters and values at most 256"),
		reserved: func(k string) error {
			return ddbValidation("One or more parameter values were invalid: The tag key %s uses the reserved prefix aws:", k)
		},
		tooMany: ddbTooManyTags(),
	})
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
