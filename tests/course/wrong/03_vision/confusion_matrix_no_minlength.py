# notebook: vision.ipynb
# cell: confusion_matrix
# loses: test_confusion_matrix, test_confusion_matrix_shapes, test_confusion_matrix_values
# why: bincount without minlength is too short when the last classes never occur
def confusion_matrix(predictions, targets, num_classes):
    pairs = targets.to(torch.int64) * num_classes + predictions.to(torch.int64)
    return torch.bincount(pairs).reshape(num_classes, num_classes)
