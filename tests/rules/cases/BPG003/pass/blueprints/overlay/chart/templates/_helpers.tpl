{{- define "overlay.host" -}}
{{- required "host must come from the per-cluster overlay" .Values.host }}
{{- end }}
