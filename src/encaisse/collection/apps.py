from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "encaisse.collection"
    label = "collection"
    verbose_name = "Collection"
