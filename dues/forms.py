from django import forms


class DuesSimulatorForm(forms.Form):
    commune = forms.CharField(
        label="Nom de la commune, code postal ou code INSEE",
        max_length=100,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
