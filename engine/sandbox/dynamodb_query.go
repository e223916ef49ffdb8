package sandbox

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

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
