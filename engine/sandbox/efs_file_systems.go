package sandbox

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
)

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
		if len(t.r.EFS.FileSystems) >= 1000 {
			return nil, withStatus(403, &efstypes.FileSystemLimitExceeded{Message: aws.String("You have reached the maximum number of file systems."), ErrorCode_: aws.String("FileSystemLimitExceeded")})
		}
		backup := "DISABLED"
		if aws.ToBool(in.Backup) || (in.Backup == nil && az != "") {
			backup = "ENABLED"
		}
		id := "fs-0" + hexID(16)
		f := &fileSystem{Meta: Meta{ID: id, ARN: t.fileSystemARN(id), Created: t.now},
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
