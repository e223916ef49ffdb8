package sandbox

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

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
