package sandbox

import (
	"encoding/base64"
	"strings"
)

func ddbKeyPart(v ddbValue) string {
	if v.T == "B" {
		return "B:" + base64.StdEncoding.EncodeToString(v.B)
	}
	return v.T + ":" + v.S
}

func (tb *ddbTable) itemKey(it ddbItem) string {
	var parts []string
	for _, k := range tb.Keys {
		parts = append(parts, ddbKeyPart(it[k.Name]))
	}
	return strings.Join(parts, "\x00")
}

// checkKeyAttrs checks an item's (or a key's) key attributes against the
// schema; exact: the map must hold the key attributes and nothing else.
func (tb *ddbTable) checkKeyAttrs(it ddbItem, exact bool) error {
	for _, k := range tb.Keys {
		v, ok := it[k.Name]
		if !ok {
			if exact {
				return ddbValidation("The provided key element does not match the schema")
			}
			return ddbValidation("One or more parameter values were invalid: Missing the key %s in the item", k.Name)
		}
		want := tb.attrType(k.Name)
		if v.T != want {
			if exact {
				return ddbValidation("The provided key element does not match the schema")
			}
			return ddbValidation("One or more parameter values were invalid: Type mismatch for key %s expected: %s actual: %s", k.Name, want, v.T)
		}
		if (v.T == "S" && v.S == "") || (v.T == "B" && len(v.B) == 0) {
			return ddbValidation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty %s value. Key: %s",
				map[string]string{"S": "string", "B": "binary"}[v.T], k.Name)
		}
		if v.T == "S" && len(v.S) > 2048 && k.Type == "HASH" || v.T == "S" && len(v.S) > 1024 && k.Type == "RANGE" {
			return ddbValidation("One or more parameter values were invalid: Size of key %s exceeds the maximum allowed", k.Name)
		}
	}
	if exact && len(it) != len(tb.Keys) {
		return ddbValidation("The provided key element does not match the schema")
	}
	return nil
}

// checkIndexAttrs checks index key attributes an item carries.
func (tb *ddbTable) checkIndexAttrs(it ddbItem) error {
	for _, idx := range append(append([]ddbIndex(nil), tb.GSIs...), tb.LSIs...) {
		for _, k := range idx.Keys {
			v, ok := it[k.Name]
			if !ok {
				continue
			}
			if want := tb.attrType(k.Name); v.T != want {
				return ddbValidation("One or more parameter values were invalid: Type mismatch for Index Key %s Expected: %s Actual: %s IndexName: %s", k.Name, want, v.T, idx.Name)
			}
			if (v.T == "S" && v.S == "") || (v.T == "B" && len(v.B) == 0) {
				return ddbValidation("One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: %s, IndexKey: %s", idx.Name, k.Name)
			}
		}
	}
	return nil
}

// indexItems are the table's items that carry an index's key attributes.
func (tb *ddbTable) indexItems(keys []ddbKey) []ddbItem {
	var out []ddbItem
	for _, k := range sortedKeys(tb.Items) {
		it := tb.Items[k]
		ok := true
		for _, key := range keys {
			if _, has := it[key.Name]; !has {
				ok = false
			}
		}
		if ok {
			out = append(out, it)
		}
	}
	return out
}
