package sandbox

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

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
		if t.r.DynamoDB.Tables[name] != nil {
			return nil, ddbInUse("Table already exists: %s", name)
		}
		if len(t.r.DynamoDB.Tables) >= 2500 {
			return nil, &ddbtypes.LimitExceededException{Message: aws.String("Subscriber limit exceeded: There is a limit of 2500 tables per subscriber")}
		}
		tb := &ddbTable{Meta: Meta{ID: uuid(), ARN: t.tableARN(name), Created: t.now}, Name: name, Status: "CREATING",
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
