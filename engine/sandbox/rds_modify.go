package sandbox

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// applyPending applies what modifying was for: the password always, the
// rest when ApplyImmediately asked for it.
func (db *rdsInstance) applyPending() {
	p := db.Pending
	if p == nil {
		return
	}
	p.Password = false
	if !p.Apply {
		if p.empty() {
			db.Pending = nil
		}
		return
	}
	if p.Class != "" {
		db.Class = p.Class
	}
	if p.Storage != 0 {
		db.Storage = p.Storage
	}
	if p.StorageType != "" {
		db.StorageType = p.StorageType
		if p.StorageType != "gp3" {
			db.Throughput = 0
		} else if db.Throughput == 0 {
			db.Throughput = 125
		}
	}
	if p.Iops != 0 {
		db.Iops = p.Iops
	}
	if p.Port != 0 {
		db.Port = p.Port
	}
	if p.MultiAZ != nil {
		db.MultiAZ = *p.MultiAZ
	}
	if p.Version != "" {
		db.EngineVersion = p.Version
	}
	db.Pending = nil
}

func (a *rdsAPI) ModifyDBInstance(ctx context.Context, in *rds.ModifyDBInstanceInput, _ ...func(*rds.Options)) (*rds.ModifyDBInstanceOutput, error) {
	return call(ctx, a.s, svcRDS, "ModifyDBInstance", func(t *tx) (*rds.ModifyDBInstanceOutput, error) {
		db, err := t.dbInstance(aws.ToString(in.DBInstanceIdentifier))
		if err != nil {
			return nil, err
		}
		if db.Status != "available" {
			return nil, &rdstypes.InvalidDBInstanceStateFault{Message: aws.String("Database instance is not in available state.")}
		}
		if in.NewDBInstanceIdentifier != nil && !strings.EqualFold(*in.NewDBInstanceIdentifier, db.ID) {
			return nil, errf("InvalidParameterCombination", "Renaming a DB instance is not supported by the sandbox.")
		}
		if n := aws.ToString(in.DBSubnetGroupName); n != "" && strings.ToLower(n) != db.SubnetGroup {
			return nil, errf("InvalidParameterCombination", "Moving a DB instance to another DB subnet group is not supported by the sandbox.")
		}
		if in.Engine != nil && *in.Engine != db.Engine {
			return nil, errf("InvalidParameterCombination", "Cannot modify engine from %s to %s.", db.Engine, *in.Engine)
		}
		p := &rdsPend{}
		if db.Pending != nil {
			cp := *db.Pending
			p = &cp
		}
		changed, fast := false, false // fast: applied at once, whatever ApplyImmediately says
		if c := aws.ToString(in.DBInstanceClass); c != "" && c != db.Class {
			if m := rdsClassRE.FindStringSubmatch(c); m == nil || ((m[2] == "micro" || m[2] == "small") && !strings.HasPrefix(m[1], "t")) {
				return nil, errf("InvalidParameterCombination", "RDS does not support creating a DB instance with the following combination: DBInstanceClass=%s, Engine=%s, EngineVersion=%s, LicenseModel=%s. For supported combinations of instance class and database engine version, see the documentation.", c, db.Engine, db.EngineVersion, db.License)
			}
			p.Class, changed = c, true
		}
		stype := db.StorageType
		if s := aws.ToString(in.StorageType); s != "" && s != db.StorageType {
			stype, p.StorageType, changed = s, s, true
		}
		gib := db.Storage
		if in.AllocatedStorage != nil && *in.AllocatedStorage != db.Storage {
			if *in.AllocatedStorage < db.Storage {
				return nil, errf("InvalidParameterCombination", "Invalid storage size for engine name %s and storage type %s: %d. You can't decrease the allocated storage of a DB instance.", db.Engine, stype, *in.AllocatedStorage)
			}
			if *in.AllocatedStorage < db.Storage*11/10 {
				return nil, errf("InvalidParameterCombination", "The allocated storage must be increased by at least 10 %%.")
			}
			gib, p.Storage, changed = *in.AllocatedStorage, *in.AllocatedStorage, true
		}
		iops := db.Iops
		if in.Iops != nil && *in.Iops != db.Iops {
			iops, p.Iops, changed = *in.Iops, *in.Iops, true
		}
		if stype != db.StorageType || gib != db.Storage {
			if stype != "io1" && stype != "io2" && stype != "gp3" {
				iops = 0
			}
			if err := checkRDSStorage(db.Engine, stype, gib, iops); err != nil {
				return nil, err
			}
		}
		if in.DBPortNumber != nil && *in.DBPortNumber != db.Port {
			if *in.DBPortNumber < 1150 || *in.DBPortNumber > 65535 {
				return nil, errf("InvalidParameterValue", "Invalid port %d: the port must be from 1150 to 65535.", *in.DBPortNumber)
			}
			p.Port, changed = *in.DBPortNumber, true
		}
		if in.MultiAZ != nil && *in.MultiAZ != db.MultiAZ {
			v := *in.MultiAZ
			p.MultiAZ, changed = &v, true
		}
		if v := aws.ToString(in.EngineVersion); v != "" && v != db.EngineVersion {
			eng := rdsEngines[db.Engine]
			if full, ok := eng.versions[v]; ok {
				v = full
			} else if _, ok := eng.versions[rdsMajor(db.Engine, v)]; !ok {
				return nil, errf("InvalidParameterCombination", "Cannot find upgrade path from %s to %s.", db.EngineVersion, v)
			}
			if rdsMajor(db.Engine, v) != rdsMajor(db.Engine, db.EngineVersion) && !aws.ToBool(in.AllowMajorVersionUpgrade) {
				return nil, errf("InvalidParameterCombination", "The AllowMajorVersionUpgrade flag must be present when upgrading to a new major version.")
			}
			p.Version, changed = v, true
		}
		if in.MasterUserPassword != nil {
			if db.SecretARN != "" {
				return nil, errf("InvalidParameterCombination", "You can't specify MasterUserPassword for an instance with ManageMasterUserPassword enabled.")
			}
			if err := checkRDSPassword(db.Engine, *in.MasterUserPassword); err != nil {
				return nil, err
			}
			// The password itself goes nowhere; only that a change is pending.
			p.Password, changed = true, true
		}
		// Applied at once, whatever ApplyImmediately says.
		if in.BackupRetentionPeriod != nil && *in.BackupRetentionPeriod != db.BackupDays {
			if *in.BackupRetentionPeriod < 0 || *in.BackupRetentionPeriod > 35 {
				return nil, errf("InvalidParameterValue", "Invalid backup retention period: %d. Specify a value from 0 to 35 days.", *in.BackupRetentionPeriod)
			}
			db.BackupDays, changed, fast = *in.BackupRetentionPeriod, true, true
		}
		if in.VpcSecurityGroupIds != nil {
			sgs, err := t.rdsGroups(in.VpcSecurityGroupIds, db.VPC)
			if err != nil {
				return nil, err
			}
			if strings.Join(sgs, ",") != strings.Join(db.SGs, ",") {
				db.SGs, changed, fast = sgs, true, true
				t.setENIGroups(db.ARN, sgs)
			}
		}
		if in.PubliclyAccessible != nil && *in.PubliclyAccessible != db.Public {
			if *in.PubliclyAccessible && !t.vpcHasIGW(db.VPC) {
				return nil, errf("InvalidVPCNetworkStateFault", "Cannot modify a publicly accessible DBInstance. The specified VPC has no internet gateway attached.")
			}
			db.Public, changed, fast = *in.PubliclyAccessible, true, true
			for _, id := range sortedKeys(t.r.EC2.ENIs) {
				if e := t.r.EC2.ENIs[id]; e.Owner == db.ARN && e.AZ == db.AZ && e.ReleaseAt.IsZero() {
					e.PublicIP = ""
					if db.Public {
						e.PublicIP = publicIP()
					}
				}
			}
		}
		if in.DeletionProtection != nil && *in.DeletionProtection != db.Protected {
			db.Protected, changed = *in.DeletionProtection, true
		}
		if in.CopyTagsToSnapshot != nil && *in.CopyTagsToSnapshot != db.CopyTags {
			db.CopyTags, changed = *in.CopyTagsToSnapshot, true
		}
		if in.AutoMinorVersionUpgrade != nil && *in.AutoMinorVersionUpgrade != db.AutoMinor {
			db.AutoMinor, changed = *in.AutoMinorVersionUpgrade, true
		}
		if in.EnableIAMDatabaseAuthentication != nil && *in.EnableIAMDatabaseAuthentication != db.IAMAuth {
			db.IAMAuth, changed = *in.EnableIAMDatabaseAuthentication, true
		}
		if in.MaxAllocatedStorage != nil && *in.MaxAllocatedStorage != db.MaxStorage {
			if *in.MaxAllocatedStorage != 0 && *in.MaxAllocatedStorage < db.Storage {
				return nil, errf("InvalidParameterCombination", "Max storage size must be greater than storage size")
			}
			db.MaxStorage, changed = *in.MaxAllocatedStorage, true
		}
		if !changed {
			return nil, errf("InvalidParameterCombination", "No modifications were requested")
		}
		now := aws.ToBool(in.ApplyImmediately)
		p.Apply = p.Apply || now
		db.Pending = p
		switch {
		case now || fast:
			db.Status, db.ModifyAt = "modifying", t.at(paceRDSModify)
		case p.Password:
			db.Status, db.ModifyAt = "resetting-master-credentials", t.at(paceRDSModify)
		}
		if db.Pending.empty() {
			db.Pending = nil
		}
		return &rds.ModifyDBInstanceOutput{DBInstance: t.dbOut(db)}, nil
	})
}
