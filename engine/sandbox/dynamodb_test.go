package sandbox

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

func ddbS(s string) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberS{Value: s} }
func ddbN(s string) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberN{Value: s} }

func tableInput(name, key string) *dynamodb.CreateTableInput {
	in := &dynamodb.CreateTableInput{TableName: aws.String(name), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema: []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: ddbtypes.KeyTypeRange}},
		Tags: []ddbtypes.Tag{{Key: aws.String("mvi:app"), Value: aws.String("shop")}}}
	if key != "" {
		in.SSESpecification = &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms, KMSMasterKeyId: aws.String(key)}
	}
	return in
}

func TestDynamoDBTables(t *testing.T) {
	s := openSB(t, Options{})
	c := apiOf(s)
	key := must(c.KMS.CreateKey(bg, &kms.CreateKeyInput{}))

	bad := tableInput("mvi-shop-orders", "")
	bad.AttributeDefinitions = append(bad.AttributeDefinitions, ddbtypes.AttributeDefinition{AttributeName: aws.String("extra"), AttributeType: ddbtypes.ScalarAttributeTypeN})
	_, err := c.DynamoDB.CreateTable(bg, bad)
	wantCode(t, err, "ValidationException")
	bad = tableInput("mvi-shop-orders", "")
	bad.ProvisionedThroughput = &ddbtypes.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)}
	_, err = c.DynamoDB.CreateTable(bg, bad)
	wantCode(t, err, "ValidationException")
	_, err = c.DynamoDB.CreateTable(bg, tableInput("mvi-shop-orders", "alias/nope"))
	wantCode(t, err, "ValidationException")

	ct := must(c.DynamoDB.CreateTable(bg, tableInput("mvi-shop-orders", *key.KeyMetadata.Arn)))
	if ct.TableDescription.TableStatus != ddbtypes.TableStatusCreating || *ct.TableDescription.TableArn != "arn:aws:dynamodb:us-east-1:"+s.Account()+":table/mvi-shop-orders" {
		t.Fatalf("created %+v", ct.TableDescription)
	}
	_, err = c.DynamoDB.CreateTable(bg, tableInput("mvi-shop-orders", ""))
	var inUse *ddbtypes.ResourceInUseException
	if !errors.As(err, &inUse) {
		t.Fatalf("want ResourceInUseException, got %v", err)
	}
	d := must(c.DynamoDB.DescribeTable(bg, &dynamodb.DescribeTableInput{TableName: aws.String("mvi-shop-orders")})).Table
	if d.TableStatus != ddbtypes.TableStatusActive || d.BillingModeSummary.BillingMode != ddbtypes.BillingModePayPerRequest ||
		d.SSEDescription == nil || d.SSEDescription.Status != ddbtypes.SSEStatusEnabled || d.SSEDescription.SSEType != ddbtypes.SSETypeKms ||
		*d.SSEDescription.KMSMasterKeyArn != *key.KeyMetadata.Arn || len(d.KeySchema) != 2 {
		t.Fatalf("described %+v", d)
	}
	_, err = c.DynamoDB.DescribeTable(bg, &dynamodb.DescribeTableInput{TableName: aws.String("nope")})
	var nf *ddbtypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("want ResourceNotFoundException, got %v", err)
	}

	// PITR and tags.
	_, err = c.DynamoDB.DescribeContinuousBackups(bg, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String("nope")})
	wantCode(t, err, "TableNotFoundException")
	cb := must(c.DynamoDB.UpdateContinuousBackups(bg, &dynamodb.UpdateContinuousBackupsInput{TableName: aws.String("mvi-shop-orders"),
		PointInTimeRecoverySpecification: &ddbtypes.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(true)}}))
	if cb.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus != ddbtypes.PointInTimeRecoveryStatusEnabled {
		t.Fatalf("pitr %+v", cb.ContinuousBackupsDescription)
	}
	dcb := must(c.DynamoDB.DescribeContinuousBackups(bg, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String("mvi-shop-orders")}))
	if p := dcb.ContinuousBackupsDescription.PointInTimeRecoveryDescription; p.PointInTimeRecoveryStatus != ddbtypes.PointInTimeRecoveryStatusEnabled || *p.RecoveryPeriodInDays != 35 {
		t.Fatalf("described pitr %+v", p)
	}
	must(c.DynamoDB.TagResource(bg, &dynamodb.TagResourceInput{ResourceArn: d.TableArn, Tags: []ddbtypes.Tag{{Key: aws.String("team"), Value: aws.String("orders")}}}))
	if tl := must(c.DynamoDB.ListTagsOfResource(bg, &dynamodb.ListTagsOfResourceInput{ResourceArn: d.TableArn})); len(tl.Tags) != 2 {
		t.Fatalf("tags %v", tl.Tags)
	}
	_, err = c.DynamoDB.TagResource(bg, &dynamodb.TagResourceInput{ResourceArn: aws.String(*d.TableArn + "x"), Tags: []ddbtypes.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
	wantCode(t, err, "ResourceNotFoundException")

	// UpdateTable passes through UPDATING (instant at Speed 0).
	up := must(c.DynamoDB.UpdateTable(bg, &dynamodb.UpdateTableInput{TableName: aws.String("mvi-shop-orders"), BillingMode: ddbtypes.BillingModeProvisioned,
		ProvisionedThroughput: &ddbtypes.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(2), WriteCapacityUnits: aws.Int64(3)}}))
	if up.TableDescription.TableStatus != ddbtypes.TableStatusUpdating || *up.TableDescription.ProvisionedThroughput.WriteCapacityUnits != 3 {
		t.Fatalf("update %+v", up.TableDescription)
	}
	_, err = c.DynamoDB.UpdateTable(bg, &dynamodb.UpdateTableInput{TableName: aws.String("mvi-shop-orders")})
	wantCode(t, err, "ValidationException")
	must(c.DynamoDB.UpdateTable(bg, &dynamodb.UpdateTableInput{TableName: aws.String("mvi-shop-orders"), DeletionProtectionEnabled: aws.Bool(true)}))
	_, err = c.DynamoDB.DeleteTable(bg, &dynamodb.DeleteTableInput{TableName: aws.String("mvi-shop-orders")})
	wantCode(t, err, "ValidationException")
	must(c.DynamoDB.UpdateTable(bg, &dynamodb.UpdateTableInput{TableName: aws.String("mvi-shop-orders"), DeletionProtectionEnabled: aws.Bool(false)}))
	del := must(c.DynamoDB.DeleteTable(bg, &dynamodb.DeleteTableInput{TableName: aws.String("mvi-shop-orders")}))
	if del.TableDescription.TableStatus != ddbtypes.TableStatusDeleting {
		t.Fatalf("delete %s", del.TableDescription.TableStatus)
	}
	_, err = c.DynamoDB.DescribeTable(bg, &dynamodb.DescribeTableInput{TableName: aws.String("mvi-shop-orders")})
	if !errors.As(err, &nf) {
		t.Fatalf("after delete: want ResourceNotFoundException, got %v", err)
	}
}

func TestDynamoDBItemsAndQueries(t *testing.T) {
	s := openSB(t, Options{})
	c := apiOf(s)
	must(c.DynamoDB.CreateTable(bg, tableInput("items", "")))
	tn := aws.String("items")
	item := map[string]ddbtypes.AttributeValue{
		"pk": ddbS("user#1"), "sk": ddbS("order#001"), "total": ddbN("01.50"), "paid": &ddbtypes.AttributeValueMemberBOOL{Value: true},
		"note": &ddbtypes.AttributeValueMemberNULL{Value: true}, "blob": &ddbtypes.AttributeValueMemberB{Value: []byte{1, 2}},
		"lines": &ddbtypes.AttributeValueMemberL{Value: []ddbtypes.AttributeValue{&ddbtypes.AttributeValueMemberM{Value: map[string]ddbtypes.AttributeValue{"sku": ddbS("a"), "qty": ddbN("2")}}}},
		"tags":  &ddbtypes.AttributeValueMemberSS{Value: []string{"x", "y"}},
	}
	must(c.DynamoDB.PutItem(bg, &dynamodb.PutItemInput{TableName: tn, Item: item}))
	got := must(c.DynamoDB.GetItem(bg, &dynamodb.GetItemInput{TableName: tn, Key: map[string]ddbtypes.AttributeValue{"pk": ddbS("user#1"), "sk": ddbS("order#001")}}))
	if n := got.Item["total"].(*ddbtypes.AttributeValueMemberN).Value; n != "1.5" {
		t.Fatalf("number %q", n)
	}
	l := got.Item["lines"].(*ddbtypes.AttributeValueMemberL).Value[0].(*ddbtypes.AttributeValueMemberM).Value
	if l["sku"].(*ddbtypes.AttributeValueMemberS).Value != "a" || len(got.Item) != 8 {
		t.Fatalf("item %+v", got.Item)
	}
	proj := must(c.DynamoDB.GetItem(bg, &dynamodb.GetItemInput{TableName: tn, Key: map[string]ddbtypes.AttributeValue{"pk": ddbS("user#1"), "sk": ddbS("order#001")},
		ProjectionExpression: aws.String("#t, lines[0].sku"), ExpressionAttributeNames: map[string]string{"#t": "total"}}))
	if len(proj.Item) != 2 {
		t.Fatalf("projected %+v", proj.Item)
	}
	if miss := must(c.DynamoDB.GetItem(bg, &dynamodb.GetItemInput{TableName: tn, Key: map[string]ddbtypes.AttributeValue{"pk": ddbS("user#9"), "sk": ddbS("x")}})); miss.Item != nil {
		t.Fatalf("missing item %+v", miss.Item)
	}
	_, err := c.DynamoDB.GetItem(bg, &dynamodb.GetItemInput{TableName: tn, Key: map[string]ddbtypes.AttributeValue{"pk": ddbS("user#1")}})
	wantCode(t, err, "ValidationException")
	_, err = c.DynamoDB.PutItem(bg, &dynamodb.PutItemInput{TableName: tn, Item: map[string]ddbtypes.AttributeValue{"pk": ddbN("1"), "sk": ddbS("a")}})
	wantCode(t, err, "ValidationException") // key type
	_, err = c.DynamoDB.PutItem(bg, &dynamodb.PutItemInput{TableName: tn, Item: map[string]ddbtypes.AttributeValue{"pk": ddbS(""), "sk": ddbS("a")}})
	wantCode(t, err, "ValidationException") // empty key

	// Conditions.
	cond := &dynamodb.PutItemInput{TableName: tn, Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)")}
	_, err = c.DynamoDB.PutItem(bg, cond)
	var ccf *ddbtypes.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		t.Fatalf("want ConditionalCheckFailedException, got %v", err)
	}
	_, err = c.DynamoDB.PutItem(bg, &dynamodb.PutItemInput{TableName: tn, Item: item, ConditionExpression: aws.String("total > :min"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":min": ddbN("1"), ":unused": ddbN("2")}})
	wantCode(t, err, "ValidationException") // unused value
	_, err = c.DynamoDB.PutItem(bg, &dynamodb.PutItemInput{TableName: tn, Item: item, ConditionExpression: aws.String("status = :s"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":s": ddbS("x")}})
	wantCode(t, err, "ValidationException") // reserved word
	old := must(c.DynamoDB.PutItem(bg, &dynamodb.PutItemInput{TableName: tn, Item: item, ConditionExpression: aws.String("total BETWEEN :a AND :b AND contains(tags, :t)"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":a": ddbN("1"), ":b": ddbN("2"), ":t": ddbS("y")}, ReturnValues: ddbtypes.ReturnValueAllOld}))
	if len(old.Attributes) != 8 {
		t.Fatalf("old %+v", old.Attributes)
	}

	// Queries on the hash key with a range condition, paged.
	for _, sk := range []string{"order#002", "order#003", "profile", "order#004"} {
		must(c.DynamoDB.PutItem(bg, &dynamodb.PutItemInput{TableName: tn, Item: map[string]ddbtypes.AttributeValue{"pk": ddbS("user#1"), "sk": ddbS(sk), "n": ddbN("3")}}))
	}
	must(c.DynamoDB.PutItem(bg, &dynamodb.PutItemInput{TableName: tn, Item: map[string]ddbtypes.AttributeValue{"pk": ddbS("user#2"), "sk": ddbS("order#001")}}))
	query := func(in *dynamodb.QueryInput) []string {
		in.TableName = tn
		var out []string
		for {
			r := must(c.DynamoDB.Query(bg, in))
			for _, it := range r.Items {
				out = append(out, it["sk"].(*ddbtypes.AttributeValueMemberS).Value)
			}
			if r.LastEvaluatedKey == nil {
				return out
			}
			in.ExclusiveStartKey = r.LastEvaluatedKey
		}
	}
	vals := map[string]ddbtypes.AttributeValue{":pk": ddbS("user#1"), ":p": ddbS("order#")}
	if got := query(&dynamodb.QueryInput{KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :p)"), ExpressionAttributeValues: vals, Limit: aws.Int32(2)}); len(got) != 4 || got[0] != "order#001" || got[3] != "order#004" {
		t.Fatalf("begins_with, paged: %v", got)
	}
	if got := query(&dynamodb.QueryInput{KeyConditionExpression: aws.String("pk = :pk"), ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":pk": ddbS("user#1")},
		ScanIndexForward: aws.Bool(false)}); len(got) != 5 || got[0] != "profile" {
		t.Fatalf("backwards: %v", got)
	}
	if got := query(&dynamodb.QueryInput{KeyConditionExpression: aws.String("#k = :pk AND sk = :s"), ExpressionAttributeNames: map[string]string{"#k": "pk"},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":pk": ddbS("user#1"), ":s": ddbS("order#003")}}); len(got) != 1 {
		t.Fatalf("exact: %v", got)
	}
	if got := query(&dynamodb.QueryInput{KeyConditionExpression: aws.String("pk = :pk"), FilterExpression: aws.String("n = :n"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":pk": ddbS("user#1"), ":n": ddbN("3.0")}}); len(got) != 4 {
		t.Fatalf("filtered: %v", got)
	}
	cnt := must(c.DynamoDB.Query(bg, &dynamodb.QueryInput{TableName: tn, KeyConditionExpression: aws.String("pk = :pk"), Select: ddbtypes.SelectCount,
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":pk": ddbS("user#2")}}))
	if cnt.Count != 1 || cnt.Items != nil {
		t.Fatalf("count %+v", cnt)
	}
	_, err = c.DynamoDB.Query(bg, &dynamodb.QueryInput{TableName: tn, KeyConditionExpression: aws.String("sk = :p"), ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":p": ddbS("x")}})
	wantCode(t, err, "ValidationException") // no hash key condition
	_, err = c.DynamoDB.Query(bg, &dynamodb.QueryInput{TableName: tn, KeyConditionExpression: aws.String("pk = :pk OR sk = :p"), ExpressionAttributeValues: vals})
	wantCode(t, err, "ValidationException")
	_, err = c.DynamoDB.Query(bg, &dynamodb.QueryInput{TableName: tn, KeyConditionExpression: aws.String("pk = :missing")})
	wantCode(t, err, "ValidationException")
}

func TestDynamoDBTableOnTheClock(t *testing.T) {
	clk := NewManualClock(time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC))
	s := openSB(t, Options{Speed: 1, Clock: clk})
	c := apiOf(s)
	must(c.DynamoDB.CreateTable(bg, tableInput("tbl1", "")))
	item := map[string]ddbtypes.AttributeValue{"pk": ddbS("a"), "sk": ddbS("b")}
	_, err := c.DynamoDB.PutItem(bg, &dynamodb.PutItemInput{TableName: aws.String("tbl1"), Item: item})
	wantCode(t, err, "ResourceNotFoundException") // still CREATING
	_, err = c.DynamoDB.UpdateContinuousBackups(bg, &dynamodb.UpdateContinuousBackupsInput{TableName: aws.String("tbl1"),
		PointInTimeRecoverySpecification: &ddbtypes.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(true)}})
	wantCode(t, err, "ContinuousBackupsUnavailableException")
	_, err = c.DynamoDB.DeleteTable(bg, &dynamodb.DeleteTableInput{TableName: aws.String("tbl1")})
	wantCode(t, err, "ResourceInUseException")
	clk.Advance(paceDynamoActive)
	if d := must(c.DynamoDB.DescribeTable(bg, &dynamodb.DescribeTableInput{TableName: aws.String("tbl1")})).Table; d.TableStatus != ddbtypes.TableStatusActive {
		t.Fatalf("status %s", d.TableStatus)
	}
	must(c.DynamoDB.PutItem(bg, &dynamodb.PutItemInput{TableName: aws.String("tbl1"), Item: item}))
	must(c.DynamoDB.DeleteTable(bg, &dynamodb.DeleteTableInput{TableName: aws.String("tbl1")}))
	if d := must(c.DynamoDB.DescribeTable(bg, &dynamodb.DescribeTableInput{TableName: aws.String("tbl1")})).Table; d.TableStatus != ddbtypes.TableStatusDeleting || *d.ItemCount != 1 {
		t.Fatalf("deleting: %s", d.TableStatus)
	}
	clk.Advance(paceDynamoDelete)
	_, err = c.DynamoDB.DescribeTable(bg, &dynamodb.DescribeTableInput{TableName: aws.String("tbl1")})
	wantCode(t, err, "ResourceNotFoundException")
}
