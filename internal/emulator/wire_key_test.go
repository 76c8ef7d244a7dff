package emulator

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// TestWireKeyRoundTrips: every field of a key's wire form (but the secret,
// which the API shows once and the emulator never stores) survives the
// store (keyFromWire, wire) and the state file. A field added to wireKey
// and forgotten in either conversion fails here.
func TestWireKeyRoundTrips(t *testing.T) {
	t.Parallel()
	var w wireKey
	v := reflect.ValueOf(&w).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		if name == "Key" {
			continue
		}
		switch f := v.Field(i); f.Interface().(type) {
		case string:
			f.SetString(name + " value")
		case time.Time:
			f.Set(reflect.ValueOf(time.Date(2027, 1, 1+i, 0, 0, 0, 0, time.UTC)))
		case bool:
			f.SetBool(true)
		case map[string]string:
			f.Set(reflect.ValueOf(map[string]string{"name": name}))
		default:
			t.Fatalf("wireKey.%s: a field of a type this test cannot fill; teach it", name)
		}
	}
	if got := keyFromWire(w).wire(); !reflect.DeepEqual(got, w) {
		t.Errorf("through the store:\n got %+v\nwant %+v", got, w)
	}
	b, err := json.Marshal(stateKey{wireKey: w, SecretHash: "00"})
	if err != nil {
		t.Fatal(err)
	}
	var back stateKey
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if got := keyFromWire(back.wireKey).wire(); !reflect.DeepEqual(got, w) {
		t.Errorf("through the state file:\n got %+v\nwant %+v", got, w)
	}
}
