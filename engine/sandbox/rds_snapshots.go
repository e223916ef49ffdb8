package sandbox

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// A final DB snapshot, as DeleteDBInstance with FinalDBSnapshotIdentifier
// takes it: "creating" while the instance is deleting, then "available",
// kept (and billed) until DeleteDBSnapshot. It copies the instance's tags
// when the instance has CopyTagsToSnapshot, as RDS does. The sandbox keeps
// no data, so a snapshot records what it was taken of, not the rows.

type rdsSnapshot struct {
	Meta
	Instance   string    `json:"instance"`
	Engine     string    `json:"engine"`
	Version    string    `json:"engine_version"`
	Storage    int32     `json:"storage_gib"`
	Encrypted  bool      `json:"encrypted"`
	KMSKey     string    `json:"kms_key,omitempty"`
	VPC        string    `json:"vpc"`
	Port       int32     `json:"port"`
	Username   string    `json:"username"`
	ReadyAt    time.Time `json:"ready_at"`
	InstanceAt time.Time `json:"instance_create_time"`
}

// rdsTypeSnapshot is a manual snapshot's ARN resource type.
const rdsTypeSnapshot = "snapshot"

func snapshotNotFound(id string) error {
	return &rdstypes.DBSnapshotNotFoundFault{Message: aws.String("DBSnapshot " + id + " not found.")}
}

// takeFinalSnapshot records the snapshot a delete asked for; it fails as
// RDS does when the identifier is taken.
func (t *tx) takeFinalSnapshot(db *rdsInstance, id string, ready time.Time) error {
	key := strings.ToLower(id)
	if t.r.RDS.Snapshots == nil {
		t.r.RDS.Snapshots = map[string]*rdsSnapshot{}
	}
	if _, ok := t.r.RDS.Snapshots[key]; ok {
		return &rdstypes.DBSnapshotAlreadyExistsFault{Message: aws.String("Cannot create the snapshot because a snapshot with the identifier " + id + " already exists.")}
	}
	s := &rdsSnapshot{Meta: Meta{ID: key, ARN: t.rdsARN(rdsTypeSnapshot, key), Tags: map[string]string{}, Created: t.now},
		Instance: db.ID, Engine: db.Engine, Version: db.EngineVersion, Storage: db.Storage, Encrypted: db.Encrypted,
		KMSKey: db.KMSKey, VPC: db.VPC, Port: db.Port, Username: db.Username, ReadyAt: ready, InstanceAt: db.CreateTime}
	if db.CopyTags {
		for k, v := range db.Tags {
			s.Tags[k] = v
		}
	}
	t.r.RDS.Snapshots[key] = s
	return nil
}

func (t *tx) snapshotOut(s *rdsSnapshot) rdstypes.DBSnapshot {
	status := "creating"
	if t.reached(s.ReadyAt) {
		status = "available"
	}
	var tags []rdstypes.Tag
	for _, k := range sortedKeys(s.Tags) {
		tags = append(tags, rdsTag(k, s.Tags[k]))
	}
	return rdstypes.DBSnapshot{
		DBSnapshotIdentifier: aws.String(s.ID), DBSnapshotArn: aws.String(s.ARN), DBInstanceIdentifier: aws.String(s.Instance),
		SnapshotType: aws.String("manual"), Status: aws.String(status), Engine: aws.String(s.Engine), EngineVersion: aws.String(s.Version),
		AllocatedStorage: aws.Int32(s.Storage), Encrypted: aws.Bool(s.Encrypted), KmsKeyId: optString(s.KMSKey), VpcId: aws.String(s.VPC),
		Port: aws.Int32(s.Port), MasterUsername: aws.String(s.Username), SnapshotCreateTime: aws.Time(s.Created),
		InstanceCreateTime: aws.Time(s.InstanceAt), PercentProgress: aws.Int32(map[bool]int32{true: 100, false: 0}[status == "available"]),
		TagList: tags,
	}
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func (a *rdsAPI) DescribeDBSnapshots(ctx context.Context, in *rds.DescribeDBSnapshotsInput, _ ...func(*rds.Options)) (*rds.DescribeDBSnapshotsOutput, error) {
	return call(ctx, a.s, svcRDS, "DescribeDBSnapshots", func(t *tx) (*rds.DescribeDBSnapshotsOutput, error) {
		limit, err := rdsMaxRecords(in.MaxRecords)
		if err != nil {
			return nil, err
		}
		if len(in.Filters) > 0 {
			return nil, errf("InvalidParameterCombination", "The sandbox's DescribeDBSnapshots takes DBSnapshotIdentifier, DBInstanceIdentifier and SnapshotType, not Filters.")
		}
		typ := aws.ToString(in.SnapshotType)
		if typ != "" && typ != "manual" && typ != "automated" && typ != "shared" && typ != "public" && typ != "awsbackup" {
			return nil, errf("InvalidParameterValue", "Invalid snapshot type: %s", typ)
		}
		var all []rdstypes.DBSnapshot
		if id := aws.ToString(in.DBSnapshotIdentifier); id != "" {
			s := t.r.RDS.Snapshots[strings.ToLower(id)]
			if s == nil {
				return nil, snapshotNotFound(id)
			}
			all = append(all, t.snapshotOut(s))
		} else if typ == "" || typ == "manual" {
			inst := strings.ToLower(aws.ToString(in.DBInstanceIdentifier))
			for _, k := range sortedKeys(t.r.RDS.Snapshots) {
				if s := t.r.RDS.Snapshots[k]; inst == "" || s.Instance == inst {
					all = append(all, t.snapshotOut(s))
				}
			}
		}
		items, next, err := page(all, in.Marker, limit)
		if err != nil {
			return nil, errf("InvalidParameterValue", "The marker is not valid.")
		}
		return &rds.DescribeDBSnapshotsOutput{DBSnapshots: items, Marker: next}, nil
	})
}

func (a *rdsAPI) DeleteDBSnapshot(ctx context.Context, in *rds.DeleteDBSnapshotInput, _ ...func(*rds.Options)) (*rds.DeleteDBSnapshotOutput, error) {
	return call(ctx, a.s, svcRDS, "DeleteDBSnapshot", func(t *tx) (*rds.DeleteDBSnapshotOutput, error) {
		id := aws.ToString(in.DBSnapshotIdentifier)
		if id == "" {
			return nil, missingParam("DBSnapshotIdentifier")
		}
		s := t.r.RDS.Snapshots[strings.ToLower(id)]
		if s == nil {
			return nil, snapshotNotFound(id)
		}
		if !t.reached(s.ReadyAt) {
			return nil, &rdstypes.InvalidDBSnapshotStateFault{Message: aws.String("Cannot delete the snapshot because it is not currently in the available state.")}
		}
		out := t.snapshotOut(s)
		out.Status = aws.String("deleted")
		delete(t.r.RDS.Snapshots, s.ID)
		return &rds.DeleteDBSnapshotOutput{DBSnapshot: &out}, nil
	})
}
