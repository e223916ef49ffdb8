package sandbox

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// ListTables pages table names in order, as DynamoDB does: at most Limit
// (1–100, default 100) after ExclusiveStartTableName, with
// LastEvaluatedTableName set while more follow.
func (a *dynamodbAPI) ListTables(ctx context.Context, in *dynamodb.ListTablesInput, _ ...func(*dynamodb.Options)) (*dynamodb.ListTablesOutput, error) {
	return call(ctx, a.s, svcDynamoDB, "ListTables", func(t *tx) (*dynamodb.ListTablesOutput, error) {
		limit := int(aws.ToInt32(in.Limit))
		switch {
		case in.Limit == nil:
			limit = 100
		case limit < 1 || limit > 100:
			return nil, ddbValidation("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100", limit)
		}
		var names []string
		for n, tb := range t.r.DynamoDB.Tables {
			if !t.hidden(tb.Created) {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		after := aws.ToString(in.ExclusiveStartTableName)
		out := &dynamodb.ListTablesOutput{TableNames: []string{}}
		for _, n := range names {
			if after != "" && n <= after {
				continue
			}
			if len(out.TableNames) == limit {
				out.LastEvaluatedTableName = aws.String(out.TableNames[limit-1])
				break
			}
			out.TableNames = append(out.TableNames, n)
		}
		return out, nil
	})
}
