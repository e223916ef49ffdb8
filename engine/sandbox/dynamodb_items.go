package sandbox

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

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
