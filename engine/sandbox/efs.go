package sandbox

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// EFS: file systems (Regional or One Zone, encrypted with a KMS key, made
// idempotent by their creation token) and mount targets, one per zone, each
// holding a requester-managed ENI in its subnet with its security groups;
// so EC2 refuses to delete those subnets and groups while the mount target
// exists, and a file system with mount targets can't be deleted
// (FileSystemInUse). Life cycle states follow the clock: creating →
// available, deleting → gone.

type efsAPI struct{ s *Sandbox }

var _ cloud.EFS = (*efsAPI)(nil)

type efsState struct {
	FileSystems  map[string]*fileSystem  `json:"file_systems"`
	MountTargets map[string]*mountTarget `json:"mount_targets"`
}

type fileSystem struct {
	Meta
	Token       string    `json:"creation_token"`
	Encrypted   bool      `json:"encrypted"`
	KMSKey      string    `json:"kms_key,omitempty"`
	Performance string    `json:"performance_mode"`
	Throughput  string    `json:"throughput_mode"`
	Provisioned float64   `json:"provisioned_mibps,omitempty"`
	AZ          string    `json:"az,omitempty"`  // One Zone file systems
	Backup      string    `json:"backup_policy"` // ENABLED, DISABLED
	AvailableAt time.Time `json:"available_at"`
	DeletedAt   time.Time `json:"deleted_at,omitempty"`
	GoneAt      time.Time `json:"gone_at,omitempty"`
}

type mountTarget struct {
	ID          string    `json:"id"`
	FS          string    `json:"file_system"`
	Subnet      string    `json:"subnet"`
	VPC         string    `json:"vpc"`
	AZ          string    `json:"az"`
	IP          string    `json:"ip"`
	ENI         string    `json:"eni"`
	SGs         []string  `json:"security_groups"`
	Created     time.Time `json:"created"`
	AvailableAt time.Time `json:"available_at"`
	DeletedAt   time.Time `json:"deleted_at,omitempty"`
	GoneAt      time.Time `json:"gone_at,omitempty"`
}

func (t *tx) fsState(f *fileSystem) efstypes.LifeCycleState {
	switch {
	case !f.DeletedAt.IsZero():
		return efstypes.LifeCycleStateDeleting
	case t.reached(f.AvailableAt):
		return efstypes.LifeCycleStateAvailable
	}
	return efstypes.LifeCycleStateCreating
}

func (t *tx) mtState(m *mountTarget) efstypes.LifeCycleState {
	switch {
	case !m.DeletedAt.IsZero():
		return efstypes.LifeCycleStateDeleting
	case t.reached(m.AvailableAt):
		return efstypes.LifeCycleStateAvailable
	}
	return efstypes.LifeCycleStateCreating
}

func fsNotFound(id string) error {
	return &efstypes.FileSystemNotFound{Message: aws.String("File system '" + id + "' does not exist."), ErrorCode_: aws.String("FileSystemNotFound")}
}

func mtNotFound(id string) error {
	return &efstypes.MountTargetNotFound{Message: aws.String("Mount target '" + id + "' does not exist."), ErrorCode_: aws.String("MountTargetNotFound")}
}

func efsBadRequest(format string, args ...any) error {
	return &efstypes.BadRequest{Message: aws.String(fmt.Sprintf(format, args...)), ErrorCode_: aws.String("BadRequest")}
}

func efsFSState(id string, st efstypes.LifeCycleState) error {
	return withStatus(409, &efstypes.IncorrectFileSystemLifeCycleState{Message: aws.String("File system '" + id + "' is in the " + string(st) + " state; it must be available."),
		ErrorCode_: aws.String("IncorrectFileSystemLifeCycleState")})
}

func efsMTState(id string, st efstypes.LifeCycleState) error {
	return withStatus(409, &efstypes.IncorrectMountTargetState{Message: aws.String("Mount target '" + id + "' is in the " + string(st) + " state; it must be available."),
		ErrorCode_: aws.String("IncorrectMountTargetState")})
}

func (t *tx) fileSystem(id string) (*fileSystem, error) {
	if a, ok := parseARN(id); ok && a.Service == "elasticfilesystem" {
		id = a.name(efsTypeFileSystem)
	}
	f := t.r.EFS.FileSystems[id]
	if f == nil || t.hidden(f.Created) {
		return nil, fsNotFound(id)
	}
	return f, nil
}

func (t *tx) mountTarget(id string) (*mountTarget, error) {
	m := t.r.EFS.MountTargets[id]
	if m == nil || t.hidden(m.Created) {
		return nil, mtNotFound(id)
	}
	return m, nil
}

func efsKV(t efstypes.Tag) (string, string) { return aws.ToString(t.Key), aws.ToString(t.Value) }
func efsTag(k, v string) efstypes.Tag       { return efstypes.Tag{Key: aws.String(k), Value: aws.String(v)} }

func efsTooManyTags() error { return efsBadRequest("A file system can have at most 50 tags.") }

func efsTagMap(ts []efstypes.Tag) (map[string]string, error) {
	return checkedTagMap(ts, efsKV, tagRules{
		size:     efsBadRequest("Tag keys must be 1 to 128 characters and values at most 256 characters."),
		reserved: func(k string) error { return efsBadRequest("Tag key %s is invalid: the aws: prefix is reserved.", k) },
		tooMany:  efsTooManyTags(),
	})
}

// liveMountTargets are the file system's mount targets not yet gone.
func (t *tx) liveMountTargets(fsID string) []*mountTarget {
	var out []*mountTarget
	for _, id := range sortedKeys(t.r.EFS.MountTargets) {
		if m := t.r.EFS.MountTargets[id]; m.FS == fsID {
			out = append(out, m)
		}
	}
	return out
}

func (t *tx) fsOut(f *fileSystem) efstypes.FileSystemDescription {
	out := efstypes.FileSystemDescription{
		FileSystemId: aws.String(f.ID), FileSystemArn: aws.String(f.ARN), CreationToken: aws.String(f.Token),
		CreationTime: tp(f.Created.Truncate(time.Second)), LifeCycleState: t.fsState(f), OwnerId: aws.String(t.account()),
		NumberOfMountTargets: int32(len(t.liveMountTargets(f.ID))), PerformanceMode: efstypes.PerformanceMode(f.Performance),
		ThroughputMode: efstypes.ThroughputMode(f.Throughput), Encrypted: aws.Bool(f.Encrypted), Tags: tagList(f.Tags, efsTag),
		SizeInBytes: &efstypes.FileSystemSize{Value: 6144, ValueInStandard: aws.Int64(6144), ValueInIA: aws.Int64(0),
			ValueInArchive: aws.Int64(0)},
		FileSystemProtection: &efstypes.FileSystemProtectionDescription{ReplicationOverwriteProtection: efstypes.ReplicationOverwriteProtectionEnabled},
	}
	if n, ok := f.Tags["Name"]; ok {
		out.Name = aws.String(n)
	}
	if f.Encrypted {
		out.KmsKeyId = aws.String(f.KMSKey)
	}
	if f.Throughput == string(efstypes.ThroughputModeProvisioned) {
		out.ProvisionedThroughputInMibps = aws.Float64(f.Provisioned)
	}
	if f.AZ != "" {
		out.AvailabilityZoneName = aws.String(f.AZ)
		out.AvailabilityZoneId = aws.String(zoneID(t.regionName(), f.AZ))
	}
	return out
}

func (t *tx) mtOut(m *mountTarget) efstypes.MountTargetDescription {
	return efstypes.MountTargetDescription{
		MountTargetId: aws.String(m.ID), FileSystemId: aws.String(m.FS), SubnetId: aws.String(m.Subnet), VpcId: aws.String(m.VPC),
		AvailabilityZoneName: aws.String(m.AZ), AvailabilityZoneId: aws.String(zoneID(t.regionName(), m.AZ)),
		IpAddress: aws.String(m.IP), NetworkInterfaceId: aws.String(m.ENI), OwnerId: aws.String(t.account()),
		LifeCycleState: t.mtState(m),
	}
}

func advanceEFS(t *tx) {
	for _, id := range sortedKeys(t.r.EFS.MountTargets) {
		if m := t.r.EFS.MountTargets[id]; t.reached(m.GoneAt) {
			delete(t.r.EFS.MountTargets, id)
			t.touch()
		}
	}
	for _, id := range sortedKeys(t.r.EFS.FileSystems) {
		if f := t.r.EFS.FileSystems[id]; t.reached(f.GoneAt) {
			delete(t.r.EFS.FileSystems, id)
			t.touch()
		}
	}
}
