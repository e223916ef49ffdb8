package sandbox

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/efs"
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
		id = strings.TrimPrefix(a.Resource, "file-system/")
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

func efsTagMap(ts []efstypes.Tag) (map[string]string, error) {
	m := map[string]string{}
	for _, tg := range ts {
		k := aws.ToString(tg.Key)
		if k == "" || len(k) > 128 || len(aws.ToString(tg.Value)) > 256 {
			return nil, efsBadRequest("Tag keys must be 1 to 128 characters and values at most 256 characters.")
		}
		m[k] = aws.ToString(tg.Value)
	}
	if k, bad := reservedTag(m); bad {
		return nil, efsBadRequest("Tag key %s is invalid: the aws: prefix is reserved.", k)
	}
	return m, nil
}

func efsTagList(m map[string]string) []efstypes.Tag {
	out := []efstypes.Tag{}
	for _, k := range sortedKeys(m) {
		out = append(out, efstypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
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
		ThroughputMode: efstypes.ThroughputMode(f.Throughput), Encrypted: aws.Bool(f.Encrypted), Tags: efsTagList(f.Tags),
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

// --- file systems ---

func (a *efsAPI) CreateFileSystem(ctx context.Context, in *efs.CreateFileSystemInput, _ ...func(*efs.Options)) (*efs.CreateFileSystemOutput, error) {
	return call(ctx, a.s, svcEFS, "CreateFileSystem", func(t *tx) (*efs.CreateFileSystemOutput, error) {
		token := aws.ToString(in.CreationToken)
		if in.CreationToken == nil {
			token = uuid() // the SDK fills this idempotency token in when it's left out
		}
		if token == "" || len(token) > 64 {
			return nil, efsBadRequest("CreationToken must be 1 to 64 characters long.")
		}
		for _, id := range sortedKeys(t.r.EFS.FileSystems) {
			if f := t.r.EFS.FileSystems[id]; f.Token == token {
				return nil, &efstypes.FileSystemAlreadyExists{Message: aws.String("File system '" + f.ID + "' already exists with creation token '" + token + "'"),
					ErrorCode_: aws.String("FileSystemAlreadyExists"), FileSystemId: aws.String(f.ID)}
			}
		}
		perf := string(in.PerformanceMode)
		if perf == "" {
			perf = string(efstypes.PerformanceModeGeneralPurpose)
		}
		if perf != string(efstypes.PerformanceModeGeneralPurpose) && perf != string(efstypes.PerformanceModeMaxIo) {
			return nil, efsBadRequest("Invalid PerformanceMode: %s", perf)
		}
		thr := string(in.ThroughputMode)
		if thr == "" {
			thr = string(efstypes.ThroughputModeBursting)
		}
		var prov float64
		switch efstypes.ThroughputMode(thr) {
		case efstypes.ThroughputModeBursting, efstypes.ThroughputModeElastic:
			if in.ProvisionedThroughputInMibps != nil {
				return nil, efsBadRequest("ProvisionedThroughputInMibps can only be set with ThroughputMode provisioned.")
			}
			if thr == string(efstypes.ThroughputModeElastic) && perf == string(efstypes.PerformanceModeMaxIo) {
				return nil, efsBadRequest("Elastic throughput mode is not supported with the maxIO performance mode.")
			}
		case efstypes.ThroughputModeProvisioned:
			prov = aws.ToFloat64(in.ProvisionedThroughputInMibps)
			if prov < 1 || prov > 3414 {
				return nil, efsBadRequest("ProvisionedThroughputInMibps must be between 1 and 3414 with ThroughputMode provisioned.")
			}
		default:
			return nil, efsBadRequest("Invalid ThroughputMode: %s", thr)
		}
		az := aws.ToString(in.AvailabilityZoneName)
		if az != "" {
			ok := false
			for _, z := range zones(t.regionName()) {
				ok = ok || z == az
			}
			if !ok {
				return nil, &efstypes.UnsupportedAvailabilityZone{Message: aws.String("Availability Zone " + az + " is not supported."), ErrorCode_: aws.String("UnsupportedAvailabilityZone")}
			}
			if perf == string(efstypes.PerformanceModeMaxIo) {
				return nil, efsBadRequest("One Zone file systems don't support the maxIO performance mode.")
			}
		}
		encrypted := aws.ToBool(in.Encrypted)
		key := ""
		if in.KmsKeyId != nil {
			if !encrypted {
				return nil, efsBadRequest("Encrypted must be true when KmsKeyId is specified.")
			}
			k, err := t.kmsKeyRef(*in.KmsKeyId)
			if err == nil {
				err = k.usable()
			}
			if err != nil {
				return nil, efsBadRequest("Invalid KMS key %s: it doesn't exist or isn't enabled.", *in.KmsKeyId)
			}
			key = k.ARN
		} else if encrypted {
			key = managedKeyARN(t, "elasticfilesystem")
		}
		tags, err := efsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		if len(tags) > 50 {
			return nil, efsBadRequest("A file system can have at most 50 tags.")
		}
		if len(t.r.EFS.FileSystems) >= 1000 {
			return nil, withStatus(403, &efstypes.FileSystemLimitExceeded{Message: aws.String("You have reached the maximum number of file systems."), ErrorCode_: aws.String("FileSystemLimitExceeded")})
		}
		backup := "DISABLED"
		if aws.ToBool(in.Backup) || (in.Backup == nil && az != "") {
			backup = "ENABLED"
		}
		id := "fs-0" + hexID(16)
		f := &fileSystem{Meta: Meta{ID: id, ARN: t.arn("elasticfilesystem", "file-system/"+id), Created: t.now},
			Token: token, Encrypted: encrypted, KMSKey: key, Performance: perf, Throughput: thr, Provisioned: prov, AZ: az,
			Backup: backup, AvailableAt: t.at(paceEFSAvailable)}
		f.setTags(tags)
		t.r.EFS.FileSystems[id] = f
		d := t.fsOut(f)
		d.LifeCycleState = efstypes.LifeCycleStateCreating // what the call answers, even at Speed 0
		return &efs.CreateFileSystemOutput{
			FileSystemId: d.FileSystemId, FileSystemArn: d.FileSystemArn, CreationToken: d.CreationToken, CreationTime: d.CreationTime,
			LifeCycleState: d.LifeCycleState, OwnerId: d.OwnerId, NumberOfMountTargets: d.NumberOfMountTargets, PerformanceMode: d.PerformanceMode,
			ThroughputMode: d.ThroughputMode, ProvisionedThroughputInMibps: d.ProvisionedThroughputInMibps, Encrypted: d.Encrypted,
			KmsKeyId: d.KmsKeyId, Tags: d.Tags, SizeInBytes: d.SizeInBytes, Name: d.Name, AvailabilityZoneName: d.AvailabilityZoneName,
			AvailabilityZoneId: d.AvailabilityZoneId, FileSystemProtection: d.FileSystemProtection,
		}, nil
	})
}

func (a *efsAPI) DeleteFileSystem(ctx context.Context, in *efs.DeleteFileSystemInput, _ ...func(*efs.Options)) (*efs.DeleteFileSystemOutput, error) {
	return call(ctx, a.s, svcEFS, "DeleteFileSystem", func(t *tx) (*efs.DeleteFileSystemOutput, error) {
		f, err := t.fileSystem(aws.ToString(in.FileSystemId))
		if err != nil {
			return nil, err
		}
		if n := len(t.liveMountTargets(f.ID)); n > 0 {
			return nil, &efstypes.FileSystemInUse{Message: aws.String("File system '" + f.ID + "' has mount targets and cannot be deleted."), ErrorCode_: aws.String("FileSystemInUse")}
		}
		if st := t.fsState(f); st != efstypes.LifeCycleStateAvailable {
			return nil, efsFSState(f.ID, st)
		}
		f.DeletedAt, f.GoneAt = t.now, t.at(paceEFSDelete)
		return &efs.DeleteFileSystemOutput{}, nil
	})
}

func (a *efsAPI) DescribeFileSystems(ctx context.Context, in *efs.DescribeFileSystemsInput, _ ...func(*efs.Options)) (*efs.DescribeFileSystemsOutput, error) {
	return call(ctx, a.s, svcEFS, "DescribeFileSystems", func(t *tx) (*efs.DescribeFileSystemsOutput, error) {
		if in.FileSystemId != nil && in.CreationToken != nil {
			return nil, efsBadRequest("Request cannot contain both a file system ID and a creation token.")
		}
		limit := int(aws.ToInt32(in.MaxItems))
		if limit == 0 {
			limit = 100
		}
		if limit < 1 {
			return nil, efsBadRequest("MaxItems must be greater than 0.")
		}
		var all []efstypes.FileSystemDescription
		if in.FileSystemId != nil {
			f, err := t.fileSystem(*in.FileSystemId)
			if err != nil {
				return nil, err
			}
			all = append(all, t.fsOut(f))
		} else {
			for _, id := range sortedKeys(t.r.EFS.FileSystems) {
				f := t.r.EFS.FileSystems[id]
				if t.hidden(f.Created) || (in.CreationToken != nil && f.Token != *in.CreationToken) {
					continue
				}
				all = append(all, t.fsOut(f))
			}
		}
		items, next, err := page(all, in.Marker, limit)
		if err != nil {
			return nil, efsBadRequest("Invalid Marker.")
		}
		if items == nil {
			items = []efstypes.FileSystemDescription{}
		}
		return &efs.DescribeFileSystemsOutput{FileSystems: items, Marker: in.Marker, NextMarker: next}, nil
	})
}

func (a *efsAPI) PutBackupPolicy(ctx context.Context, in *efs.PutBackupPolicyInput, _ ...func(*efs.Options)) (*efs.PutBackupPolicyOutput, error) {
	return call(ctx, a.s, svcEFS, "PutBackupPolicy", func(t *tx) (*efs.PutBackupPolicyOutput, error) {
		f, err := t.fileSystem(aws.ToString(in.FileSystemId))
		if err != nil {
			return nil, err
		}
		if in.BackupPolicy == nil {
			return nil, &efstypes.ValidationException{Message: aws.String("BackupPolicy is required."), ErrorCode_: aws.String("ValidationException")}
		}
		st := in.BackupPolicy.Status
		if st != efstypes.StatusEnabled && st != efstypes.StatusDisabled {
			return nil, &efstypes.ValidationException{Message: aws.String("1 validation error detected: Value '" + string(st) + "' at 'backupPolicy.status' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]"),
				ErrorCode_: aws.String("ValidationException")}
		}
		if s := t.fsState(f); s != efstypes.LifeCycleStateAvailable {
			return nil, efsFSState(f.ID, s)
		}
		f.Backup = string(st)
		return &efs.PutBackupPolicyOutput{BackupPolicy: &efstypes.BackupPolicy{Status: st}}, nil
	})
}

// --- mount targets ---

// efsGroups validates mount target security groups for a VPC (default:
// the VPC's default group).
func (t *tx) efsGroups(ids []string, vpcID string) ([]string, error) {
	if len(ids) > 5 {
		return nil, &efstypes.SecurityGroupLimitExceeded{Message: aws.String("A mount target can have at most 5 security groups."), ErrorCode_: aws.String("SecurityGroupLimitExceeded")}
	}
	if len(ids) == 0 {
		if d := t.defaultGroupOf(vpcID); d != "" {
			return []string{d}, nil
		}
		return nil, nil
	}
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		g := t.r.EC2.SecurityGroups[id]
		if g == nil || t.hidden(g.Created) || g.VPC != vpcID {
			return nil, &efstypes.SecurityGroupNotFound{Message: aws.String("The security group '" + id + "' does not exist in VPC '" + vpcID + "'."), ErrorCode_: aws.String("SecurityGroupNotFound")}
		}
		out = append(out, id)
	}
	return out, nil
}

func (a *efsAPI) CreateMountTarget(ctx context.Context, in *efs.CreateMountTargetInput, _ ...func(*efs.Options)) (*efs.CreateMountTargetOutput, error) {
	return call(ctx, a.s, svcEFS, "CreateMountTarget", func(t *tx) (*efs.CreateMountTargetOutput, error) {
		f, err := t.fileSystem(aws.ToString(in.FileSystemId))
		if err != nil {
			return nil, err
		}
		if st := t.fsState(f); st != efstypes.LifeCycleStateAvailable {
			return nil, efsFSState(f.ID, st)
		}
		sid := aws.ToString(in.SubnetId)
		s := t.r.EC2.Subnets[sid]
		if s == nil || t.hidden(s.Created) {
			return nil, &efstypes.SubnetNotFound{Message: aws.String("The subnet ID '" + sid + "' does not exist"), ErrorCode_: aws.String("SubnetNotFound")}
		}
		if in.IpAddressType != "" && in.IpAddressType != efstypes.IpAddressTypeIpv4Only {
			return nil, efsBadRequest("The sandbox's subnets are IPv4 only; IpAddressType must be IPV4_ONLY.")
		}
		if f.AZ != "" && s.AZ != f.AZ {
			return nil, &efstypes.AvailabilityZonesMismatch{Message: aws.String("The subnet's Availability Zone " + s.AZ + " doesn't match the One Zone file system's " + f.AZ + "."),
				ErrorCode_: aws.String("AvailabilityZonesMismatch")}
		}
		for _, m := range t.liveMountTargets(f.ID) {
			if m.VPC != s.VPC {
				return nil, &efstypes.MountTargetConflict{Message: aws.String("All mount targets of a file system must be in the same VPC; " + m.ID + " is in " + m.VPC + "."), ErrorCode_: aws.String("MountTargetConflict")}
			}
			if m.AZ == s.AZ {
				return nil, &efstypes.MountTargetConflict{Message: aws.String("mount target already exists in this AZ"), ErrorCode_: aws.String("MountTargetConflict")}
			}
		}
		sgs, err := t.efsGroups(in.SecurityGroups, s.VPC)
		if err != nil {
			return nil, err
		}
		var want netip.Addr
		if ip := aws.ToString(in.IpAddress); ip != "" {
			addr, err := netip.ParseAddr(ip)
			p, perr := netip.ParsePrefix(s.CIDR)
			if err != nil || perr != nil || !addr.Is4() || !p.Contains(addr) {
				return nil, efsBadRequest("IP address %s is not in the subnet %s (%s).", ip, s.ID, s.CIDR)
			}
			first := p.Masked().Addr()
			for i := 0; i < 4; i++ {
				first = first.Next()
			}
			if addr.Less(first) || addr == broadcastAddr(p) {
				return nil, efsBadRequest("IP address %s is reserved in subnet %s.", ip, s.ID)
			}
			for _, e := range t.r.EC2.ENIs {
				if e.Subnet == s.ID && e.PrivateIP == ip {
					return nil, withStatus(409, &efstypes.IpAddressInUse{Message: aws.String("Address " + ip + " is already in use in subnet " + s.ID + "."), ErrorCode_: aws.String("IpAddressInUse")})
				}
			}
			want = addr
		}
		id := "fsmt-0" + hexID(16)
		e, err := t.newENI(s, sgs, "EFS mount target for "+f.ID+" ("+id+")", false, "amazon-elasticfilesystem", id, t.now)
		if err != nil {
			return nil, withStatus(409, &efstypes.NoFreeAddressesInSubnet{Message: aws.String("The subnet " + s.ID + " has no free addresses."), ErrorCode_: aws.String("NoFreeAddressesInSubnet")})
		}
		if want.IsValid() {
			e.PrivateIP = want.String()
		}
		m := &mountTarget{ID: id, FS: f.ID, Subnet: s.ID, VPC: s.VPC, AZ: s.AZ, IP: e.PrivateIP, ENI: e.ID, SGs: sgs,
			Created: t.now, AvailableAt: t.at(paceEFSAvailable)}
		t.r.EFS.MountTargets[id] = m
		d := t.mtOut(m)
		d.LifeCycleState = efstypes.LifeCycleStateCreating
		return &efs.CreateMountTargetOutput{MountTargetId: d.MountTargetId, FileSystemId: d.FileSystemId, SubnetId: d.SubnetId, VpcId: d.VpcId,
			AvailabilityZoneName: d.AvailabilityZoneName, AvailabilityZoneId: d.AvailabilityZoneId, IpAddress: d.IpAddress,
			NetworkInterfaceId: d.NetworkInterfaceId, OwnerId: d.OwnerId, LifeCycleState: d.LifeCycleState}, nil
	})
}

// broadcastAddr is a prefix's broadcast address.
func broadcastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := 32 - p.Bits()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v |= (1 << host) - 1
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func (a *efsAPI) DeleteMountTarget(ctx context.Context, in *efs.DeleteMountTargetInput, _ ...func(*efs.Options)) (*efs.DeleteMountTargetOutput, error) {
	return call(ctx, a.s, svcEFS, "DeleteMountTarget", func(t *tx) (*efs.DeleteMountTargetOutput, error) {
		m, err := t.mountTarget(aws.ToString(in.MountTargetId))
		if err != nil {
			return nil, err
		}
		if !m.DeletedAt.IsZero() {
			return nil, efsMTState(m.ID, efstypes.LifeCycleStateDeleting)
		}
		m.DeletedAt, m.GoneAt = t.now, t.at(paceEFSDelete)
		t.releaseENIsAt(m.ID, m.GoneAt)
		return &efs.DeleteMountTargetOutput{}, nil
	})
}

func (a *efsAPI) DescribeMountTargets(ctx context.Context, in *efs.DescribeMountTargetsInput, _ ...func(*efs.Options)) (*efs.DescribeMountTargetsOutput, error) {
	return call(ctx, a.s, svcEFS, "DescribeMountTargets", func(t *tx) (*efs.DescribeMountTargetsOutput, error) {
		n := 0
		for _, p := range []*string{in.FileSystemId, in.MountTargetId, in.AccessPointId} {
			if p != nil {
				n++
			}
		}
		if n != 1 {
			return nil, efsBadRequest("Must specify exactly one mutually exclusive parameter.")
		}
		limit := int(aws.ToInt32(in.MaxItems))
		if limit == 0 {
			limit = 10
		}
		if limit < 1 {
			return nil, efsBadRequest("MaxItems must be greater than 0.")
		}
		var all []efstypes.MountTargetDescription
		switch {
		case in.AccessPointId != nil:
			return nil, &efstypes.AccessPointNotFound{Message: aws.String("Access point '" + *in.AccessPointId + "' does not exist."), ErrorCode_: aws.String("AccessPointNotFound")}
		case in.MountTargetId != nil:
			m, err := t.mountTarget(*in.MountTargetId)
			if err != nil {
				return nil, err
			}
			all = append(all, t.mtOut(m))
		default:
			f, err := t.fileSystem(*in.FileSystemId)
			if err != nil {
				return nil, err
			}
			for _, m := range t.liveMountTargets(f.ID) {
				if !t.hidden(m.Created) {
					all = append(all, t.mtOut(m))
				}
			}
		}
		items, next, err := page(all, in.Marker, limit)
		if err != nil {
			return nil, efsBadRequest("Invalid Marker.")
		}
		if items == nil {
			items = []efstypes.MountTargetDescription{}
		}
		return &efs.DescribeMountTargetsOutput{MountTargets: items, Marker: in.Marker, NextMarker: next}, nil
	})
}

func (a *efsAPI) DescribeMountTargetSecurityGroups(ctx context.Context, in *efs.DescribeMountTargetSecurityGroupsInput, _ ...func(*efs.Options)) (*efs.DescribeMountTargetSecurityGroupsOutput, error) {
	return call(ctx, a.s, svcEFS, "DescribeMountTargetSecurityGroups", func(t *tx) (*efs.DescribeMountTargetSecurityGroupsOutput, error) {
		m, err := t.mountTarget(aws.ToString(in.MountTargetId))
		if err != nil {
			return nil, err
		}
		if st := t.mtState(m); st == efstypes.LifeCycleStateDeleting {
			return nil, efsMTState(m.ID, st)
		}
		return &efs.DescribeMountTargetSecurityGroupsOutput{SecurityGroups: append([]string{}, m.SGs...)}, nil
	})
}

func (a *efsAPI) ModifyMountTargetSecurityGroups(ctx context.Context, in *efs.ModifyMountTargetSecurityGroupsInput, _ ...func(*efs.Options)) (*efs.ModifyMountTargetSecurityGroupsOutput, error) {
	return call(ctx, a.s, svcEFS, "ModifyMountTargetSecurityGroups", func(t *tx) (*efs.ModifyMountTargetSecurityGroupsOutput, error) {
		m, err := t.mountTarget(aws.ToString(in.MountTargetId))
		if err != nil {
			return nil, err
		}
		if st := t.mtState(m); st != efstypes.LifeCycleStateAvailable {
			return nil, efsMTState(m.ID, st)
		}
		if len(in.SecurityGroups) == 0 {
			return nil, efsBadRequest("SecurityGroups must contain at least one security group.")
		}
		sgs, err := t.efsGroups(in.SecurityGroups, m.VPC)
		if err != nil {
			return nil, err
		}
		m.SGs = sgs
		t.setENIGroups(m.ID, sgs)
		return &efs.ModifyMountTargetSecurityGroupsOutput{}, nil
	})
}

// --- tags ---

func (a *efsAPI) TagResource(ctx context.Context, in *efs.TagResourceInput, _ ...func(*efs.Options)) (*efs.TagResourceOutput, error) {
	return call(ctx, a.s, svcEFS, "TagResource", func(t *tx) (*efs.TagResourceOutput, error) {
		f, err := t.efsTaggable(aws.ToString(in.ResourceId))
		if err != nil {
			return nil, err
		}
		tags, err := efsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		n := len(f.Tags)
		for k := range tags {
			if _, ok := f.Tags[k]; !ok {
				n++
			}
		}
		if n > 50 {
			return nil, efsBadRequest("A file system can have at most 50 tags.")
		}
		f.setTags(tags)
		return &efs.TagResourceOutput{}, nil
	})
}

func (t *tx) efsTaggable(ref string) (*fileSystem, error) {
	id := ref
	if a, ok := parseARN(ref); ok && a.Service == "elasticfilesystem" {
		id = a.Resource[strings.LastIndex(a.Resource, "/")+1:]
	}
	switch {
	case strings.HasPrefix(id, "fs-"):
		return t.fileSystem(id)
	case strings.HasPrefix(id, "fsap-"):
		return nil, &efstypes.AccessPointNotFound{Message: aws.String("Access point '" + id + "' does not exist."), ErrorCode_: aws.String("AccessPointNotFound")}
	}
	return nil, efsBadRequest("Invalid resource ID %s.", ref)
}

func (a *efsAPI) ListTagsForResource(ctx context.Context, in *efs.ListTagsForResourceInput, _ ...func(*efs.Options)) (*efs.ListTagsForResourceOutput, error) {
	return call(ctx, a.s, svcEFS, "ListTagsForResource", func(t *tx) (*efs.ListTagsForResourceOutput, error) {
		f, err := t.efsTaggable(aws.ToString(in.ResourceId))
		if err != nil {
			return nil, err
		}
		limit := int(aws.ToInt32(in.MaxResults))
		if limit == 0 {
			limit = 100
		}
		if limit < 1 || limit > 100 {
			return nil, efsBadRequest("MaxResults must be between 1 and 100.")
		}
		items, next, err := page(efsTagList(f.Tags), in.NextToken, limit)
		if err != nil {
			return nil, efsBadRequest("Invalid NextToken.")
		}
		return &efs.ListTagsForResourceOutput{Tags: items, NextToken: next}, nil
	})
}
